//
// This is only a SKELETON file for the 'Luhn' exercise. It's been provided as a
// convenience to get you started writing code faster.
//

export const valid = () => {
  throw new Error('Remove this line and implement the function');
};
