import { describe, expect, it } from 'vitest';
import { maskedCaller, phoneDisplayName } from '../../signaling/rooms/phone-caller.js';

describe('phone members’ names', () => {
  it('keeps only the last two digits of whatever the gateway sent', () => {
    expect(phoneDisplayName('Téléphone •• •• 42')).toBe('Téléphone •• •• 42');
    expect(phoneDisplayName('+33 6 12 34 56 42')).toBe('Téléphone •• •• 42');
    expect(phoneDisplayName('+33612345678')).toBe('Téléphone •• •• 78');
    expect(phoneDisplayName('Téléphone masqué')).toBe('Téléphone masqué');
    expect(phoneDisplayName('appel 7')).toBe('Téléphone masqué');
    expect(maskedCaller('Téléphone •• •• 05')).toBe('•• •• 05');
  });
});
