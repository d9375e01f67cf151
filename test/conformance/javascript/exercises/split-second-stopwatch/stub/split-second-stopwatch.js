export class SplitSecondStopwatch {
  constructor() {
    throw new Error('Remove this line and implement the function');
  }

  get state() {
    throw new Error('Remove this line and implement the function');
  }

  get currentLap() {
    throw new Error('Remove this line and implement the function');
  }

  get total() {
    throw new Error('Remove this line and implement the function');
  }

  get previousLaps() {
    throw new Error('Remove this line and implement the function');
  }

  start() {
    throw new Error('Remove this line and implement the function');
  }

  stop() {
    throw new Error('Remove this line and implement the function');
  }

  lap() {
    throw new Error('Remove this line and implement the function');
  }

  reset() {
    throw new Error('Remove this line and implement the function');
  }

  advanceTime(duration) {
    throw new Error('Remove this line and implement the function');
  }
}
