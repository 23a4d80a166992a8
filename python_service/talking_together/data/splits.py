"""The corpus splits by name: training identities, and the held-out ones every quality figure uses."""

TRAIN_SPLITS = ("train",)
VAL_SPLITS = ("val",)  # training identities, other conversations: for tuning
HELD_OUT_SPLITS = ("test_identity", "test_voice")  # identities never seen in training; whole unseen voices
SPLITS = TRAIN_SPLITS + VAL_SPLITS + HELD_OUT_SPLITS  # drawn per sample, in these shares: corpus.SPLIT_PROBS
REAL_TEST_SPLIT = "test_real"  # LibriSpeech's test readers, re-assembled into dialogues: never trained or tuned on
