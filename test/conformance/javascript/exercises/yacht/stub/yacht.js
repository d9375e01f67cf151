//
// This is only a SKELETON file for the 'Yacht' exercise. It's been provided as a
// convenience to get you started writing code faster.
//

export const score = () => {
  throw new Error('Remove this line and implement the function');
};
