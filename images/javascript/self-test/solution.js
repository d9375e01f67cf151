export const add = (a, b) => {
  console.log('adding', a, b)
  return a + b
}
