//
// This is only a SKELETON file for the 'Word Count' exercise. It's been provided as a
// convenience to get you started writing code faster.
//

export const countWords = () => {
  throw new Error('Remove this line and implement the function');
};
