//
// This is only a SKELETON file for the 'Zipper' exercise. It's been provided as a
// convenience to get you started writing code faster.
//

export class Zipper {
  constructor() {
    throw new Error('Remove this line and implement the function');
  }

  static fromTree() {
    throw new Error('Remove this line and implement the function');
  }

  toTree() {
    throw new Error('Remove this line and implement the function');
  }

  value() {
    throw new Error('Remove this line and implement the function');
  }

  left() {
    throw new Error('Remove this line and implement the function');
  }

  right() {
    throw new Error('Remove this line and implement the function');
  }

  up() {
    throw new Error('Remove this line and implement the function');
  }

  setValue() {
    throw new Error('Remove this line and implement the function');
  }

  setLeft() {
    throw new Error('Remove this line and implement the function');
  }

  setRight() {
    throw new Error('Remove this line and implement the function');
  }
}
