//
// This is only a SKELETON file for the 'Resistor Color' exercise. It's been provided as a
// convenience to get you started writing code faster.
//

export const colorCode = () => {
  throw new Error('Remove this line and implement the function');
};

export const COLORS = undefined;
