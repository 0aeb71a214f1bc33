/**
 * The AAF object layer on real files: strong references, vectors and sets through their index
 * streams, weak references through the referenced-properties table, dynamic property ids from the
 * file's own MetaDictionary, and extension classes placed in the baseline hierarchy.
 */
import { describe, expect, it } from 'vitest';
import { DEF, PID } from '../../../native-adapters/aaf/model.js';
import { AafFile } from '../../../native-adapters/aaf/objects.js';
import { samplesDir } from '../../helpers/corpus.js';

const libaaf = (name: string) => samplesDir('aaf', 'agfline__LibAAF', name);

function withFile<T>(file: string, fn: (f: AafFile) => T): T {
  const f = AafFile.open(file);
  try {
    return fn(f);
  } finally {
    f.close();
  }
}

describe('AAF objects', () => {
  it('walks Header → ContentStorage → Mobs set keyed by MobID, slots in vector order', () => {
    withFile(libaaf('PT_Fades.aaf'), (f) => {
      expect(f.header.className).toBe('Header');
      const mobs = f.header.strong(PID.Content)!.keyedSet(PID.Mobs);
      // one composition and a master clip per clip piece (33, the rendered fades included)
      const kinds = [...mobs.values()].map((m) => m.className);
      expect(kinds.filter((k) => k === 'CompositionMob')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'MasterMob')).toHaveLength(33);
      for (const [key, mob] of mobs) expect(mob.mobId(PID.MobID)).toBe(key);
      const comp = [...mobs.values()].find((m) => m.isA('CompositionMob'))!;
      expect(comp.auid(PID.UsageCode)).toBe(DEF.UsageTopLevel);
      expect(comp.vector(PID.Slots).map((s) => s.string(PID.SlotName))).toEqual(['Audio 1', 'Audio 2', 'Timecode']);
    });
  });

  it('resolves weak references through the referenced-properties table', () => {
    withFile(libaaf('PT_Audio_Levels-noEMCC-noExpTracksAsMultiChannel.aaf'), (f) => {
      const comp = [...f.header.strong(PID.Content)!.set(PID.Mobs)].find((m) => m.isA('CompositionMob'))!;
      const seq = comp.vector(PID.Slots)[0]!.strong(PID.Segment)!;
      expect(seq.weak(PID.DataDefinition)!.string(PID.DefinitionName)).toBe('Sound');
      const gain = seq.vector(PID.Components)[0]!;
      // Pro Tools' audio-gain OperationDefinition has an empty name: matched by its AUID
      expect(gain.weakKey(PID.Operation)).toBe(DEF.MonoAudioGain);
      expect(gain.weak(PID.Operation)!.string(PID.DefinitionName)).toBe('');
      expect(() => f.resolveWeak(0, '01234567-89ab-cdef-0123-456789abcdef', 'test')).toThrow(/missing object/);
    });
  });

  it('maps dynamic property ids through the MetaDictionary and places extension classes', () => {
    withFile(libaaf('MC_Markers.aaf'), (f) => {
      const pid = f.dynamicPid('CommentMarkerUSer');
      expect(pid).not.toBeNull();
      expect(pid!).toBeGreaterThanOrEqual(0x8000);
      // the same property by its AUID
      expect(f.dynamicPid('c4c45d9a-0967-11d4-a08a-006094eb75cb')).toBe(pid);
      // Avid's ANCDataDescriptor is declared in the file, derived from DataEssenceDescriptor
      const anc = '0d010101-0101-5c00-060e-2b3402060101';
      expect(f.className(anc)).toBe('DataEssenceDescriptor');
      expect(f.isA(anc, 'FileDescriptor')).toBe(true);
      expect(f.isA(anc, 'SoundDescriptor')).toBe(false);
    });
  });
});
