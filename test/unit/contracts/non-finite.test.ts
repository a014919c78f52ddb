import { describe, expect, it } from 'vitest';
import { findNonFinite } from '../../../runtime/contracts/index.js';

describe('findNonFinite: the bus refuses a message whose JSON parses to a non-finite number', () => {
  it('names the JSON pointer of the first one, at any depth, in objects and arrays', () => {
    expect(findNonFinite(JSON.parse('{"params":{"factors":[1,2,1e999]},"ts":1e999}'))).toBe('/params/factors/2');
    expect(findNonFinite(JSON.parse('[{"a":1},{"b":-1e999}]'))).toBe('/1/b');
    expect(findNonFinite(JSON.parse('1e999'))).toBe('/');
  });

  it('takes finite numbers, large ones and exponent-looking text', () => {
    expect(findNonFinite(JSON.parse('{"v":1e308,"t":1767589080000,"s":"e999","n":null,"l":[0.5,-2]}'))).toBeNull();
  });
});
