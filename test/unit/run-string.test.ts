import { describe, expect, it } from 'vitest';
import { splitRunString } from '../../src/config/run-string.js';

describe('splitRunString', () => {
  it('splits on whitespace', () => {
    expect(splitRunString('manage runserver  127.0.0.1:8000')).toEqual(['manage', 'runserver', '127.0.0.1:8000']);
  });
  it('honours single and double quotes and backslashes', () => {
    expect(splitRunString(`python -c "print('a b')"`)).toEqual(['python', '-c', "print('a b')"]);
    expect(splitRunString(`echo 'a "b" c' d\\ e ""`)).toEqual(['echo', 'a "b" c', 'd e', '']);
    expect(splitRunString(`say "a \\"quoted\\" word"`)).toEqual(['say', 'a "quoted" word']);
  });
  it('expands nothing and treats shell operators as plain words', () => {
    expect(splitRunString('echo $HOME * ~ `id` $(id)')).toEqual(['echo', '$HOME', '*', '~', '`id`', '$(id)']);
    expect(splitRunString('test x; touch /tmp/pwned | cat && rm -rf /')).toEqual(['test', 'x;', 'touch', '/tmp/pwned', '|', 'cat', '&&', 'rm', '-rf', '/']);
  });
  it('rejects an unterminated quote', () => {
    expect(() => splitRunString('echo "oops')).toThrow(/unterminated/);
  });
});
