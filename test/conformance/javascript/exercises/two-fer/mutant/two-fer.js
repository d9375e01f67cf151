export const twoFer = (name = 'You') => {
  return `One for ${name}, one for me.`;
};
