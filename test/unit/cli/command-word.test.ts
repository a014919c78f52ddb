import { describe, expect, it } from 'vitest';
import { commandWord } from '../../../runtime/cli/command-word.js';

describe('commandWord: the command a CLI call runs, found before any module is loaded', () => {
  it('skips the global options, with their values given apart or joined', () => {
    expect(commandWord(['ps'])).toBe('ps');
    expect(commandWord(['--nats-url', 'nats://h:1', '--home', '/tmp/x', 'sim', 'run', 'ddos'])).toBe('sim');
    expect(commandWord(['--home=/tmp/x', '-V'])).toBeNull();
    expect(commandWord(['--help'])).toBeNull();
    expect(commandWord([])).toBeNull();
  });
});
