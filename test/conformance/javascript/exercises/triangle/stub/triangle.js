//
// This is only a SKELETON file for the 'Triangle' exercise. It's been provided as a
// convenience to get you started writing code faster.
//

export class Triangle {
  constructor(...sides) {
    throw new Error('Remove this line and implement the function');
  }

  get isEquilateral() {
    throw new Error('Remove this line and implement the function');
  }

  get isIsosceles() {
    throw new Error('Remove this line and implement the function');
  }

  get isScalene() {
    throw new Error('Remove this line and implement the function');
  }
}
