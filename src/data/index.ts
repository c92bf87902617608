/** Datasets: IDX files, MNIST. */
export { IDX_IMAGES, IDX_LABELS, MAX_IDX_BYTES, parseIdx, readIdx } from './idx.js';
export {
  MNIST_MEAN,
  MNIST_STD,
  MNIST_INSTALL,
  mnistDir,
  loadMnist,
  loadIdxSplit,
  type IdxSetInfo,
  type MnistOptions,
  type MnistSplit,
} from './mnist.js';
export {
  decodeWav,
  readWav,
  encodeWav,
  writeWav,
  WavError,
  type WavFormat,
  type Waveform,
  type ReadWavOptions,
  type WriteWavOptions,
} from './wav.js';
export { resample, type ResampleOptions } from './resample.js';
export {
  PIANO_INSTALL,
  OGG_INSTALL,
  noteToMidi,
  midiToFrequency,
  pianoDir,
  pianoNotes,
  loadPiano,
  PianoNotes,
  type PianoNote,
  type PianoRecord,
  type PianoOptions,
} from './piano.js';
export {
  BROWN_INSTALL,
  SPAM_ASSASSIN_INSTALL,
  SPAM_ASSASSIN_GROUPS,
  loadBrown,
  loadSpamAssassin,
  emailBody,
  type BrownDoc,
  type BrownOptions,
  type Email,
  type SpamAssassinGroup,
  type SpamAssassinOptions,
} from './text-corpora.js';
export { SOTU_INSTALL, MOBY_DICK_INSTALL, loadSotu, loadMobyDick, type Speech, type Chapter } from './stdlib-corpora.js';
export {
  WORDNET_DIRS,
  WORDNET_INSTALL,
  WORDNET_POS,
  WORDNET_SYSTEM_DIR,
  loadWordnetGlosses,
  parseWordnetData,
  wordnetDir,
  type Gloss,
  type WordnetPos,
} from './wordnet.js';
export { decodeTextFile, firstInvalidUtf8, readTextFile } from './text-file.js';
export { passages, splitSentences, wordCount, type PassageOptions } from './passages.js';
export { DEFAULT_PRETRAINING_SOURCES, WORDNET_BATCH, pretrainingTexts, textFiles, type TextDocument } from './pretraining-text.js';
export { groupSplit, stratifiedSample } from './text-split.js';
export {
  BROWN_GENRE_GROUPS,
  IMBALANCE_RATIO,
  SOTU_ERAS,
  TEST_FRACTION,
  TEXT_TASKS,
  classCounts,
  isImbalanced,
  loadTextTask,
  type TextExample,
  type TextTask,
  type TextTaskOptions,
} from './text-tasks.js';
export { TEXT_MANIFEST_FIELDS, isTextManifest, readTextTaskManifest } from './text-manifest.js';
export { TEXT_SET_SPECS, type TextSet } from './text-sets.js';
export { AUDIO_SET_SPECS, type AudioSet } from './audio-sets.js';
export { SCENE_SET_SPECS, collectEpisodes, readEpisodes, writeEpisodes, type CollectOptions, type KitScenes } from './scene-sets.js';
export { sceneBatch, type SceneBatch, type SceneBatchOptions } from './kit-scenes.js';
export { frameCount, synthSinging, type PitchedTrack, type SingingOptions } from './singing.js';
export { gaussian, mixSeed, mulberry32, pinkNoise } from './noise.js';
export {
  ESPEAK_INSTALL,
  SPEECH_LANGUAGES,
  SPEECH_RATE,
  SPEECH_VARIANTS,
  speechCachePath,
  speechTracks,
  synthSpeech,
  type SpeechOptions,
} from './speech.js';
export {
  MIN_CLIP_SECONDS,
  SPEECH_TASK_NAMES,
  TASK_SPLITS,
  loadSpeechTask,
  manifestTask,
  type LabelledClip,
  type SpeakerSplit,
  type SpeechTask,
  type TaskSplit,
} from './speech-tasks.js';
export { REAL_SPEECH_SOURCES, equalPieces, realSpeech, type Recording } from './real-speech.js';
export { BUCKLE_PACKAGE, KEY_ROWS, keyClicks, keyRow, parseKeyFile, type KeyClick } from './key-clicks.js';
export { PIANO_VOICED_DB, PITCH_HOP, PITCH_RATE, pianoF0, pianoTracks, wavFolderTracks } from './pitched-tracks.js';
export { ArrayDataset, checkIndex, Subset, type Dataset } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { defaultCollate, disposeTensors, tensorsIn, type Collate } from './collate.js';
export {
  IMAGE_EXTENSIONS,
  ImageDecodeError,
  decodeImage,
  isImageFile,
  checkImageFile,
  sniffFormat,
  resolveImageOptions,
  type ImageOptions,
  type RawImage,
} from './image.js';
export { DecodePool, sharedDecodePool, closeSharedDecodePool } from './decode-pool.js';
export { ImageDataset, loadImage, rawToTensor, type ImageDatasetOptions } from './image-dataset.js';
export { ImageFolder } from './image-folder.js';
export { parseCsv, type CsvRow } from './csv.js';
export {
  MANIFEST_COLUMNS,
  ManifestError,
  readManifest,
  type ManifestColumn,
  type ManifestOptions,
  type ManifestRecord,
} from './manifest.js';
export { ManifestDataset, type ManifestSample } from './manifest-dataset.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIRS,
  FASHION_MNIST_INSTALL,
  FASHION_MNIST_MEAN,
  FASHION_MNIST_STD,
  FASHION_MNIST_SYSTEM_DIR,
  fashionMnistDir,
  loadFashionMnist,
} from './fashion-mnist.js';
export {
  EMOJI_VENDORS,
  EMOJI_VERSION,
  emojiInstall,
  emojiRecords,
  loadEmoji,
  type EmojiOptions,
  type EmojiRecord,
  type EmojiSelection,
  type EmojiSet,
  type EmojiVendor,
} from './emoji.js';
export { cachedTensors, defaultCacheDir, type Cached } from './cache.js';
export { BatchIndexSampler, epochSeed, permutation, type BatchIndexOptions, type BatchSampler } from './samplers.js';
export { DistributedBatchSampler, checkShard, shardOf, type Shard } from './distributed-sampler.js';
export { labelFraction, loadLabelSubset, saveLabelSubset, type LabelSubset } from './label-fraction.js';
export { filterAndBalance, type FilterAndBalanceOptions, type PseudoLabelSelection } from './pseudo-labels.js';
export { PerCaseBatchSampler, type PerCaseOptions } from './case-sampler.js';
export { DataLoader, type DataLoaderOptions } from './loader.js';
export { type ImageSet, IMAGE_SET_SPECS } from './image-sets.js';
export {
  DATA_SETS,
  getDataSet,
  loadImageSet,
  loadTextSet,
  loadAudioSet,
  loadSceneSet,
  dataSection,
  dataTag,
  type DataSetSpec,
  type DataConfig,
  type Modality,
} from './registry.js';
