#!/usr/bin/python3
"""Makes the speech test set: synthesized sentences at known offsets, in silence and in noise, with exact labels.

Run with Debian's Python (numpy), espeak-ng and sox installed (apt-get install -y espeak-ng sox python3-numpy):

    /usr/bin/python3 tests/data/speech/make_speech_testset.py [--out DIR]

Writes into DIR (default: this folder) for each of 4 sources x 10 conditions one WAV (16 kHz, mono, 16-bit PCM,
6 s), one Audacity label file NAME.labels.txt (start<TAB>end<TAB>speech, seconds) and index.csv with columns
file,condition,noise,snr_db,voice,language,duration_s.

How it is made (docs/audio.md, "Speech test set", says the same):
- Each source is one espeak-ng voice and language speaking 3 short sentences. espeak-ng writes 22050 Hz; sox
  resamples to 16 kHz as 32-bit float (no dither, so nothing random).
- Each sentence is trimmed to its speech extent: the waveform is cut into 10 ms frames and the extent runs from the
  first to the last frame whose RMS is within 40 dB of the sentence's loudest frame (this drops espeak's leading
  and trailing silence). Short pauses inside the sentence stay inside the label, as in usual VAD labelling.
- Each trimmed sentence is scaled to an RMS of -23 dBFS +/- 3 dB (seeded) and placed in digital silence: at least
  0.2 s before the first, 0.25 s between sentences and 0.3 s after the last, the rest of the 6 s shared out at random.
  All positions are whole milliseconds, so the labels (the placed extents) are exact with 3 decimals.
- Noise: white (Gaussian), pink (white shaped by 1/sqrt(f) in the FFT domain: power falling as 1/f), babble (the sum
  of 15 streams of other sentences: 5 other voices, 3 streams each from random offsets, each stream at equal RMS;
  with only 5 streams the babble stayed intelligible speech, which every detector rightly called speech). One noise
  signal per source and noise type (fixed seeds), scaled for each SNR.
- SNR is measured over the labelled speech samples only: 10 log10(mean(speech^2) / mean(noise^2)), both means over
  the samples inside the labels. The noise gain is set to hit 20, 10 and 0 dB exactly (before 16-bit rounding).
- If a mix would exceed 0.99 full scale, the mix (speech and noise together) is scaled down; the SNR is unchanged.
- Conditions: clean, white-20, white-10, white-0, pink-20, pink-10, pink-0, babble-20, babble-10, babble-0.

Deterministic: numpy's PCG64 with fixed seeds, espeak-ng and sox without randomness, WAVs written by the wave module.
The same espeak-ng (1.51) and sox (14.4.2) versions give byte-identical files; other versions may synthesize slightly
different waveforms (and labels).
The audio is synthesized by espeak-ng, whose voice data is GPL-3.0-or-later; see docs/audio.md.
"""
import argparse
import csv
import os
import subprocess
import sys
import wave

import numpy as np

RATE = 16000
DURATION_S = 6.0
FRAME = RATE // 100  # 10 ms
MS = RATE // 1000
BABBLE_STREAMS_PER_TALKER = 3
TRIM_DB = 40.0

# (name, espeak voice, language, sentences)
SOURCES = [
    ("en-f", "en-us+f3", "en", ["Open the window.", "The train is late.", "Bring me some tea."]),
    ("de-m", "de+m3", "de", ["Guten Morgen.", "Das Wetter ist schön.", "Wir fahren heim."]),
    ("fr-f", "fr-fr+f4", "fr", ["Bonjour à tous.", "Le café est très chaud.", "Nous partons demain matin."]),
    ("es-m", "es+m2", "es", ["Buenos días.", "El perro corre.", "Vamos a la playa."]),
]

# Babble talkers: other voices reading other sentences.
BABBLE = [
    ("en-gb+m1", ["She sells sea shells by the sea shore.", "Numbers are easy to forget after lunch."]),
    ("de+f2", ["Der Zug hat heute wieder Verspätung.", "Ich koche gerne am Wochenende."]),
    ("fr-fr+m4", ["Il fait beau dans le jardin aujourd'hui.", "Les enfants jouent dans la cour."]),
    ("es+f1", ["La biblioteca cierra a las ocho.", "Mi hermano vive cerca del puerto."]),
    ("it+m5", ["Domani andiamo al mare con gli amici.", "La cena è pronta sul tavolo."]),
]

CONDITIONS = [("clean", None, None)] + [
    (f"{noise}-{snr}", noise, snr) for noise in ("white", "pink", "babble") for snr in (20, 10, 0)
]


def synthesize(voice, text):
    """espeak-ng -> sox -> float32 samples at 16 kHz."""
    espeak = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], check=True, capture_output=True)
    sox = subprocess.run(
        ["sox", "-D", "-t", "wav", "-", "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-",
         "rate", "-v", str(RATE)],
        input=espeak.stdout, check=True, capture_output=True)
    return np.frombuffer(sox.stdout, dtype="<f4").astype(np.float64)


def trim(x):
    """The speech extent: first to last 10 ms frame within TRIM_DB of the loudest frame."""
    frames = len(x) // FRAME
    rms = np.sqrt(np.mean(x[: frames * FRAME].reshape(frames, FRAME) ** 2, axis=1))
    active = np.flatnonzero(rms >= rms.max() * 10 ** (-TRIM_DB / 20))
    return x[active[0] * FRAME: (active[-1] + 1) * FRAME]


def rms(x):
    return float(np.sqrt(np.mean(x ** 2)))


def pink(rng, n):
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    shape = np.zeros_like(f)
    shape[1:] = 1 / np.sqrt(f[1:])
    return np.fft.irfft(spectrum * shape, n)


def babble(rng, n, talkers, streams_per_talker=BABBLE_STREAMS_PER_TALKER):
    total = np.zeros(n)
    for utterances in [t for t in talkers for _ in range(streams_per_talker)]:
        stream = []
        length = 0
        while length < 2 * n:
            for u in utterances:
                gap = np.zeros(int(rng.integers(int(0.05 * RATE), int(0.3 * RATE))))
                stream += [u, gap]
                length += len(u) + len(gap)
        stream = np.concatenate(stream)
        start = int(rng.integers(0, len(stream) - n))
        piece = stream[start: start + n]
        total += piece / rms(piece)
    return total


def write_wav(path, x):
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    n = int(DURATION_S * RATE)

    talkers = [[trim(synthesize(voice, s)) for s in sentences] for voice, sentences in BABBLE]
    rows = []
    for source_index, (name, voice, language, sentences) in enumerate(SOURCES):
        rng = np.random.default_rng([20261122, source_index])
        utterances = [trim(synthesize(voice, s)) for s in sentences]
        utterances = [u * (10 ** ((-23 + rng.uniform(-3, 3)) / 20) / rms(u)) for u in utterances]
        # Silences: at least 0.2 s before, 0.25 s between and 0.3 s after the sentences; the rest of the 6 s is shared
        # out at random (Dirichlet proportions). Whole milliseconds, so the labels are exact with 3 decimals.
        speech = sum(len(u) for u in utterances)
        minimum = [0.2, 0.25, 0.25, 0.3]
        spare = n - speech - int(sum(minimum) * RATE)
        if spare < 0:
            sys.exit(f"{name}: the sentences ({speech / RATE:.2f} s) do not fit in {DURATION_S} s; shorten them")
        shares = rng.dirichlet([1.0, 1.0, 1.0, 1.0])
        silences = [MS * int((m * RATE + share * spare) // MS) for m, share in zip(minimum, shares)]
        lead, pauses = silences[0], silences[1:3]
        clean = np.zeros(n)
        mask = np.zeros(n, dtype=bool)
        labels = []
        position = lead
        for i, u in enumerate(utterances):
            clean[position: position + len(u)] = u
            mask[position: position + len(u)] = True
            labels.append((position, position + len(u)))
            position += len(u) + (pauses[i] if i < len(pauses) else 0)
        speech_power = float(np.mean(clean[mask] ** 2))

        noises = {
            "white": np.random.default_rng([20261122, source_index, 1]).standard_normal(n),
            "pink": pink(np.random.default_rng([20261122, source_index, 2]), n),
            "babble": babble(np.random.default_rng([20261122, source_index, 3]), n,
                             talkers),
        }
        label_text = "".join(f"{s / RATE:.3f}\t{e / RATE:.3f}\tspeech\n" for s, e in labels)
        for condition, noise, snr in CONDITIONS:
            mix = clean.copy()
            if noise is not None:
                v = noises[noise]
                gain = np.sqrt(speech_power / (np.mean(v[mask] ** 2) * 10 ** (snr / 10)))
                mix = clean + gain * v
            peak = np.max(np.abs(mix))
            if peak > 0.99:
                mix *= 0.99 / peak
            file = f"{name}_{condition}.wav"
            write_wav(os.path.join(out, file), mix)
            with open(os.path.join(out, file[:-4] + ".labels.txt"), "w", newline="\n") as f:
                f.write(label_text)
            rows.append([file, condition, noise or "none", "" if snr is None else snr, voice, language, f"{n / RATE:.3f}"])

    with open(os.path.join(out, "index.csv"), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["file", "condition", "noise", "snr_db", "voice", "language", "duration_s"])
        writer.writerows(rows)
    print(f"{len(rows)} files in {out}")


if __name__ == "__main__":
    main()
