/**
 * The baseline AAF object model as data: class AUIDs with their parents, the fixed property ids
 * (< 0x8000) with their types, and the definition AUIDs a sound reader matches on. Extension
 * classes and dynamic property ids (>= 0x8000) are not here: they come from each file's own
 * MetaDictionary. Ids are the AAF Object Specification v1.1 / SMPTE RP 224 registry values.
 */

/** Baseline classes are registered as 0d010101-0101-XX00-060e-2b3402060101; meta classes as -02XX-0000-. */
const baselineId = (xx: number) => `0d010101-0101-${xx.toString(16).padStart(2, '0')}00-060e-2b3402060101`;
const metaId = (xx: number) => `0d010101-02${xx.toString(16).padStart(2, '0')}-0000-060e-2b3402060101`;

/** name → [AUID, parent name]. */
const CLASS_TABLE: Record<string, [string, string | null]> = {
  InterchangeObject: [baselineId(0x01), null],
  Component: [baselineId(0x02), 'InterchangeObject'],
  Segment: [baselineId(0x03), 'Component'],
  EdgeCode: [baselineId(0x04), 'Segment'],
  EssenceGroup: [baselineId(0x05), 'Segment'],
  Event: [baselineId(0x06), 'Segment'],
  GPITrigger: [baselineId(0x07), 'Event'],
  CommentMarker: [baselineId(0x08), 'Event'],
  Filler: [baselineId(0x09), 'Segment'],
  OperationGroup: [baselineId(0x0a), 'Segment'],
  NestedScope: [baselineId(0x0b), 'Segment'],
  Pulldown: [baselineId(0x0c), 'Segment'],
  ScopeReference: [baselineId(0x0d), 'Segment'],
  Selector: [baselineId(0x0e), 'Segment'],
  Sequence: [baselineId(0x0f), 'Segment'],
  SourceReference: [baselineId(0x10), 'Segment'],
  SourceClip: [baselineId(0x11), 'SourceReference'],
  TextClip: [baselineId(0x12), 'SourceReference'],
  HTMLClip: [baselineId(0x13), 'TextClip'],
  Timecode: [baselineId(0x14), 'Segment'],
  TimecodeStream: [baselineId(0x15), 'Segment'],
  TimecodeStream12M: [baselineId(0x16), 'TimecodeStream'],
  Transition: [baselineId(0x17), 'Component'],
  ContentStorage: [baselineId(0x18), 'InterchangeObject'],
  ControlPoint: [baselineId(0x19), 'InterchangeObject'],
  DefinitionObject: [baselineId(0x1a), 'InterchangeObject'],
  DataDefinition: [baselineId(0x1b), 'DefinitionObject'],
  OperationDefinition: [baselineId(0x1c), 'DefinitionObject'],
  ParameterDefinition: [baselineId(0x1d), 'DefinitionObject'],
  PluginDefinition: [baselineId(0x1e), 'DefinitionObject'],
  CodecDefinition: [baselineId(0x1f), 'DefinitionObject'],
  ContainerDefinition: [baselineId(0x20), 'DefinitionObject'],
  InterpolationDefinition: [baselineId(0x21), 'DefinitionObject'],
  Dictionary: [baselineId(0x22), 'InterchangeObject'],
  EssenceData: [baselineId(0x23), 'InterchangeObject'],
  EssenceDescriptor: [baselineId(0x24), 'InterchangeObject'],
  FileDescriptor: [baselineId(0x25), 'EssenceDescriptor'],
  AIFCDescriptor: [baselineId(0x26), 'FileDescriptor'],
  DigitalImageDescriptor: [baselineId(0x27), 'FileDescriptor'],
  CDCIDescriptor: [baselineId(0x28), 'DigitalImageDescriptor'],
  RGBADescriptor: [baselineId(0x29), 'DigitalImageDescriptor'],
  HTMLDescriptor: [baselineId(0x2a), 'FileDescriptor'],
  TIFFDescriptor: [baselineId(0x2b), 'FileDescriptor'],
  WAVEDescriptor: [baselineId(0x2c), 'FileDescriptor'],
  FilmDescriptor: [baselineId(0x2d), 'EssenceDescriptor'],
  TapeDescriptor: [baselineId(0x2e), 'EssenceDescriptor'],
  Header: [baselineId(0x2f), 'InterchangeObject'],
  Identification: [baselineId(0x30), 'InterchangeObject'],
  Locator: [baselineId(0x31), 'InterchangeObject'],
  NetworkLocator: [baselineId(0x32), 'Locator'],
  TextLocator: [baselineId(0x33), 'Locator'],
  Mob: [baselineId(0x34), 'InterchangeObject'],
  CompositionMob: [baselineId(0x35), 'Mob'],
  MasterMob: [baselineId(0x36), 'Mob'],
  SourceMob: [baselineId(0x37), 'Mob'],
  MobSlot: [baselineId(0x38), 'InterchangeObject'],
  EventMobSlot: [baselineId(0x39), 'MobSlot'],
  StaticMobSlot: [baselineId(0x3a), 'MobSlot'],
  TimelineMobSlot: [baselineId(0x3b), 'MobSlot'],
  Parameter: [baselineId(0x3c), 'InterchangeObject'],
  ConstantValue: [baselineId(0x3d), 'Parameter'],
  VaryingValue: [baselineId(0x3e), 'Parameter'],
  TaggedValue: [baselineId(0x3f), 'InterchangeObject'],
  KLVData: [baselineId(0x40), 'InterchangeObject'],
  DescriptiveMarker: [baselineId(0x41), 'CommentMarker'],
  SoundDescriptor: [baselineId(0x42), 'FileDescriptor'],
  DataEssenceDescriptor: [baselineId(0x43), 'FileDescriptor'],
  MultipleDescriptor: [baselineId(0x44), 'FileDescriptor'],
  DescriptiveClip: [baselineId(0x45), 'SourceClip'],
  AES3PCMDescriptor: [baselineId(0x47), 'PCMDescriptor'],
  PCMDescriptor: [baselineId(0x48), 'SoundDescriptor'],
  PhysicalDescriptor: [baselineId(0x49), 'EssenceDescriptor'],
  ImportDescriptor: [baselineId(0x4a), 'PhysicalDescriptor'],
  RecordingDescriptor: [baselineId(0x4b), 'PhysicalDescriptor'],
  TaggedValueDefinition: [baselineId(0x4c), 'DefinitionObject'],
  KLVDataDefinition: [baselineId(0x4d), 'DefinitionObject'],
  AuxiliaryDescriptor: [baselineId(0x4e), 'PhysicalDescriptor'],
  RIFFChunk: [baselineId(0x4f), 'InterchangeObject'],
  BWFImportDescriptor: [baselineId(0x50), 'ImportDescriptor'],
  MPEGVideoDescriptor: [baselineId(0x51), 'CDCIDescriptor'],
  SubDescriptor: [baselineId(0x59), 'InterchangeObject'],
  MetaDefinition: [metaId(0x24), null],
  ClassDefinition: [metaId(0x01), 'MetaDefinition'],
  PropertyDefinition: [metaId(0x02), 'MetaDefinition'],
  TypeDefinition: [metaId(0x03), 'MetaDefinition'],
  MetaDictionary: [metaId(0x25), null],
};

export type ClassName = keyof typeof CLASS_TABLE;

export const CLASS_BY_ID: ReadonlyMap<string, { name: string; parent: string | null }> = new Map(
  Object.entries(CLASS_TABLE).map(([name, [id, parent]]) => [id, { name, parent: parent === null ? null : CLASS_TABLE[parent]![0] }]),
);

export const CLASS_ID: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(CLASS_TABLE).map(([n, [id]]) => [n, id]));

/** Property value types the reader decodes. */
export type PropType =
  | 'UInt8' | 'UInt16' | 'Int16' | 'UInt32' | 'Int32' | 'Int64' | 'Boolean'
  | 'Rational' | 'String' | 'AUID' | 'MobID' | 'Indirect' | 'Stream' | 'DataValue' | 'UInt32Array'
  | 'StrongRef' | 'StrongRefVector' | 'StrongRefSet' | 'WeakRef' | 'WeakRefVector' | 'WeakRefSet';

/** Fixed property ids (AAF object model, unique across classes) with their value types, by the class that defines them. */
const PROPS = {
  // MetaDictionary / MetaDefinition
  ClassDefinitions: [0x0003, 'StrongRefSet'],
  TypeDefinitions: [0x0004, 'StrongRefSet'],
  MetaIdentification: [0x0005, 'AUID'],
  MetaName: [0x0006, 'String'],
  ParentClass: [0x0008, 'WeakRef'],
  Properties: [0x0009, 'StrongRefSet'],
  PropertyType: [0x000b, 'AUID'],
  LocalIdentification: [0x000d, 'UInt16'],
  // Root
  RootMetaDictionary: [0x0001, 'StrongRef'],
  RootHeader: [0x0002, 'StrongRef'],
  // Component
  DataDefinition: [0x0201, 'WeakRef'],
  Length: [0x0202, 'Int64'],
  ComponentAttributes: [0x0205, 'StrongRefVector'],
  ComponentUserComments: [0x0204, 'StrongRefVector'],
  // EssenceGroup
  Choices: [0x0501, 'StrongRefVector'],
  // Event
  EventPosition: [0x0601, 'Int64'],
  EventComment: [0x0602, 'String'],
  // OperationGroup
  Operation: [0x0b01, 'WeakRef'],
  InputSegments: [0x0b02, 'StrongRefVector'],
  Parameters: [0x0b03, 'StrongRefVector'],
  BypassOverride: [0x0b04, 'UInt32'],
  Rendering: [0x0b05, 'StrongRef'],
  // NestedScope
  NestedSlots: [0x0c01, 'StrongRefVector'],
  // Pulldown
  PulldownInput: [0x0d01, 'StrongRef'],
  // ScopeReference
  RelativeScope: [0x0e01, 'UInt32'],
  RelativeSlot: [0x0e02, 'UInt32'],
  // Selector
  Selected: [0x0f01, 'StrongRef'],
  Alternates: [0x0f02, 'StrongRefVector'],
  // Sequence
  Components: [0x1001, 'StrongRefVector'],
  // SourceReference / SourceClip
  SourceID: [0x1101, 'MobID'],
  SourceMobSlotID: [0x1102, 'UInt32'],
  ChannelIDs: [0x1103, 'UInt32Array'],
  StartTime: [0x1201, 'Int64'],
  FadeInLength: [0x1202, 'Int64'],
  FadeInType: [0x1203, 'UInt8'],
  FadeOutLength: [0x1204, 'Int64'],
  FadeOutType: [0x1205, 'UInt8'],
  // Timecode
  TimecodeStart: [0x1501, 'Int64'],
  TimecodeFPS: [0x1502, 'UInt16'],
  TimecodeDrop: [0x1503, 'Boolean'],
  // Transition
  TransitionOperationGroup: [0x1801, 'StrongRef'],
  CutPoint: [0x1802, 'Int64'],
  // ContentStorage
  Mobs: [0x1901, 'StrongRefSet'],
  EssenceDataSet: [0x1902, 'StrongRefSet'],
  // ControlPoint
  ControlPointValue: [0x1a02, 'Indirect'],
  ControlPointTime: [0x1a03, 'Rational'],
  // DefinitionObject
  DefinitionIdentification: [0x1b01, 'AUID'],
  DefinitionName: [0x1b02, 'String'],
  // Dictionary
  OperationDefinitions: [0x2603, 'StrongRefSet'],
  ParameterDefinitions: [0x2604, 'StrongRefSet'],
  DataDefinitions: [0x2605, 'StrongRefSet'],
  // EssenceData
  EssenceDataMobID: [0x2701, 'MobID'],
  EssenceDataData: [0x2702, 'Stream'],
  // EssenceDescriptor / FileDescriptor
  Locator: [0x2f01, 'StrongRefVector'],
  SampleRate: [0x3001, 'Rational'],
  FileLength: [0x3002, 'Int64'],
  ContainerFormat: [0x3004, 'WeakRef'],
  // WAVEDescriptor / AIFCDescriptor
  WaveSummary: [0x3801, 'DataValue'],
  AifcSummary: [0x3901, 'DataValue'],
  // Header
  ByteOrder: [0x3b01, 'Int16'],
  LastModified: [0x3b02, 'DataValue'],
  Content: [0x3b03, 'StrongRef'],
  Dictionary: [0x3b04, 'StrongRef'],
  IdentificationList: [0x3b06, 'StrongRefVector'],
  // Identification
  CompanyName: [0x3c01, 'String'],
  ProductName: [0x3c02, 'String'],
  ProductVersionString: [0x3c04, 'String'],
  // SoundDescriptor / PCMDescriptor
  QuantizationBits: [0x3d01, 'UInt32'],
  AudioSamplingRate: [0x3d03, 'Rational'],
  Channels: [0x3d07, 'UInt32'],
  // MultipleDescriptor
  FileDescriptors: [0x3f01, 'StrongRefVector'],
  // NetworkLocator
  URLString: [0x4001, 'String'],
  // TextLocator
  TextLocatorName: [0x4101, 'String'],
  // Mob
  MobID: [0x4401, 'MobID'],
  MobName: [0x4402, 'String'],
  Slots: [0x4403, 'StrongRefVector'],
  MobUserComments: [0x4406, 'StrongRefVector'],
  UsageCode: [0x4408, 'AUID'],
  MobAttributes: [0x4409, 'StrongRefVector'],
  // SourceMob
  EssenceDescription: [0x4701, 'StrongRef'],
  // MobSlot
  SlotID: [0x4801, 'UInt32'],
  SlotName: [0x4802, 'String'],
  Segment: [0x4803, 'StrongRef'],
  PhysicalTrackNumber: [0x4804, 'UInt32'],
  // EventMobSlot
  EventEditRate: [0x4901, 'Rational'],
  // TimelineMobSlot
  EditRate: [0x4b01, 'Rational'],
  Origin: [0x4b02, 'Int64'],
  // Parameter
  ParameterDefinition: [0x4c01, 'AUID'],
  // ConstantValue / VaryingValue
  ConstantValueValue: [0x4d01, 'Indirect'],
  Interpolation: [0x4e01, 'WeakRef'],
  PointList: [0x4e02, 'StrongRefVector'],
  // TaggedValue
  TaggedName: [0x5001, 'String'],
  TaggedValue: [0x5003, 'Indirect'],
  // DescriptiveMarker
  DescriptiveDescription: [0x6101, 'StrongRef'],
  DescribedSlots: [0x6102, 'DataValue'],
} as const satisfies Record<string, readonly [number, PropType]>;

/** Fixed property ids by name. */
export const PID = Object.fromEntries(Object.entries(PROPS).map(([name, [pid]]) => [name, pid])) as {
  readonly [K in keyof typeof PROPS]: (typeof PROPS)[K][0];
};

/** The value type of a fixed property id. */
export const PROP_TYPE: ReadonlyMap<number, PropType> = new Map(Object.values(PROPS).map(([pid, type]) => [pid, type as PropType]));

/** Bytes a plain-data value of a fixed-size type takes (Int64 positions are sometimes written in 4). */
export const TYPE_SIZES: Partial<Record<PropType, readonly number[]>> = {
  UInt8: [1],
  Boolean: [1],
  UInt16: [2],
  Int16: [2],
  UInt32: [4],
  Int32: [4],
  Int64: [8, 4],
  Rational: [8],
  AUID: [16],
  MobID: [32],
};

/** Definition AUIDs a sound reader matches on (never names: Pro Tools leaves them empty). */
export const DEF = {
  /** OperationDefinitions */
  AudioPan: '9d2ea893-0968-11d3-8a38-0050040ef7d2',
  MonoAudioGain: '9d2ea894-0968-11d3-8a38-0050040ef7d2',
  StereoAudioGain: '9d2ea895-0968-11d3-8a38-0050040ef7d2',
  MonoAudioDissolve: '0c3bea41-fc05-11d2-8a29-0050040ef7d2',
  StereoAudioDissolve: '0c3bea44-fc05-11d2-8a29-0050040ef7d2',
  AudioChannelCombiner: '6b46dd7a-132d-4856-ab21-8b751d8462ec',
  /** ParameterDefinitions */
  Amplitude: 'e4962321-2267-11d3-8a4c-0050040ef7d2',
  /** UsageCode values */
  UsageTopLevel: '0d010102-0101-0700-060e-2b3404010101',
  UsageLowerLevel: '0d010102-0101-0800-060e-2b3404010101',
  UsageSubClip: '0d010102-0101-0500-060e-2b3404010101',
  /** TypeDefinitions of Indirect values we decode */
  TypeRational: '03010100-0000-0000-060e-2b3401040101',
  TypeInt32: '01010700-0000-0000-060e-2b3401040101',
  TypeUInt32: '01010300-0000-0000-060e-2b3401040101',
  TypeInt64: '01010800-0000-0000-060e-2b3401040101',
  TypeString: '01100200-0000-0000-060e-2b3401040101',
} as const;

/**
 * DataDefinition AUIDs by kind. Both the legacy (6cef/77e5) and the SMPTE-registered spellings occur.
 */
export const DATA_DEF: Record<string, 'sound' | 'picture' | 'timecode' | 'edgecode' | 'descriptive'> = {
  '78e1ebe1-6cef-11d2-807d-006008143e6f': 'sound',
  '01030202-0200-0000-060e-2b3404010101': 'sound',
  '6f3c8ce1-6cef-11d2-807d-006008143e6f': 'picture',
  '01030202-0100-0000-060e-2b3404010101': 'picture',
  '05cba731-1daa-11d3-80ad-006008143e6f': 'picture',
  '05cba732-1daa-11d3-80ad-006008143e6f': 'picture',
  '7f275e81-77e5-11d2-807f-006008143e6f': 'timecode',
  '01030201-0100-0000-060e-2b3404010101': 'timecode',
  '01030201-0200-0000-060e-2b3404010101': 'timecode',
  '01030201-0300-0000-060e-2b3404010101': 'timecode',
  'd2bb2af0-d234-11d2-89ee-006097116212': 'edgecode',
  '01030201-1000-0000-060e-2b3404010101': 'descriptive',
};
