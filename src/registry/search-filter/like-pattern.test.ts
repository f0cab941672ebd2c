import { describe, expect, it } from 'vitest';
import { likeToGlob, likeToPostgres } from './like-pattern.js';

describe('LIKE pattern translation', () => {
  it.each([
    ['abc', 'abc', 'abc'],
    ['a%', 'a*', 'a%'],
    ['%b_c%', '*b?c*', '%b_c%'],
    ['100\\%', '100%', '100\\%'],
    ['a\\_b', 'a_b', 'a\\_b'],
    ['x*y?[z]', 'x[*]y[?][[]z]', 'x*y?[z]'],
    ['back\\\\slash', 'back\\slash', 'back\\\\slash'],
    ['trailing\\', 'trailing\\', 'trailing\\\\'],
    ['ünï_', 'ünï?', 'ünï_'],
  ])('%j → GLOB %j, PostgreSQL %j', (pattern, glob, postgres) => {
    expect(likeToGlob(pattern)).toBe(glob);
    expect(likeToPostgres(pattern)).toBe(postgres);
  });
});
