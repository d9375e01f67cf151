import { describe, expect, it } from 'vitest'
import { escapeXml, lineChart, logAxisFor, position, ticks } from '../../../bench/svg-chart.js'

const spec = {
  title: 'Latency <CDF> & more',
  x: { label: 'ms', scale: 'log' as const, min: 10, max: 1000 },
  y: { label: 'fraction', scale: 'linear' as const, min: 0, max: 1 },
  series: [{ name: 'warm', points: [{ x: 10, y: 0.5 }, { x: 100, y: 1 }], color: '#2ca02c', step: true }],
}

describe('axes', () => {
  it('puts log ticks on 1-2-5 per decade and linear ticks on round steps', () => {
    expect(ticks({ scale: 'log', min: 10, max: 1000 })).toEqual([10, 20, 50, 100, 200, 500, 1000])
    // less than a decade: finer steps, so there is still a scale to read
    expect(ticks({ scale: 'log', min: 500, max: 2000 })).toEqual([500, 700, 1000, 1500, 2000])
    expect(ticks({ scale: 'linear', min: 0, max: 1 })).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(ticks({ scale: 'linear', min: 0, max: 13 })).toEqual([0, 5, 10])
  })

  it('maps a decade of a log axis to equal lengths', () => {
    expect(position({ scale: 'log', min: 10, max: 1000 }, 100)).toBeCloseTo(0.5)
    expect(position({ scale: 'linear', min: 0, max: 20 }, 5)).toBeCloseTo(0.25)
  })

  it('builds a log axis that holds every value, ignoring non-positive ones', () => {
    expect(logAxisFor('ms', [33, 240, 0, NaN])).toMatchObject({ scale: 'log', min: 20, max: 500 })
  })
})

describe('lineChart', () => {
  it('draws a standalone SVG document with the title escaped', () => {
    const svg = lineChart(spec)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.trim().endsWith('</svg>')).toBe(true)
    expect(svg).toContain('Latency &lt;CDF&gt; &amp; more')
    expect(svg).not.toContain('<CDF>')
  })

  it('draws a CDF as a staircase rising from the bottom of the plot', () => {
    const svg = lineChart(spec)
    // plot: 720 × 420 with margins 64/24/40/52 → bottom at y 368, x of 10 ms at 64, of 100 ms at 380
    expect(svg).toContain('d="M64.0,368.0 H64.0 V204.0 H380.0 V40.0"')
  })

  it('skips points a log axis cannot show instead of drawing NaN', () => {
    const svg = lineChart({ ...spec, series: [{ name: 's', points: [{ x: 0, y: 0.5 }, { x: NaN, y: 1 }, { x: 100, y: 1 }], color: '#000' }] })
    expect(svg).not.toContain('NaN')
    expect(svg).not.toContain('Infinity')
  })

  it('marks reference lines with their labels and a legend entry per series', () => {
    const svg = lineChart({ ...spec, hlines: [{ at: 0.5, label: 'SLA 2000 ms', color: '#d62728' }], vlines: [{ at: 100, label: 'baseline 7.7/s', color: '#777' }] })
    expect(svg).toContain('SLA 2000 ms')
    expect(svg).toContain('baseline 7.7/s')
    expect(svg.match(/>warm</g)).toHaveLength(1)
  })

  it('escapes every XML special character', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;')
  })
})
