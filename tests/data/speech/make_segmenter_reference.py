#!/usr/bin/python3
"""Reference segmentations for Chorus.Fusion.Frames.SpeechSegmenter, computed independently with numpy.

Run with Debian's Python (numpy):  /usr/bin/python3 tests/data/speech/make_segmenter_reference.py
Writes segmenter_reference.json beside this script; SegmenterReferenceTests compares the C# segmenter to it.

This is a separate, array-at-a-time implementation of the rules documented in docs/fusion.md
("Speech segments"), not a port of the C# state machine:
  1. hysteresis as silero-vad's thresholds: on at p >= onset, off at p < offset, else keep the previous state
     (initially off); computed by forward-filling the last on/off event (pyannote's vectorised binarize idea);
  2. silences between regions shorter than min_silence are bridged (silero's min_silence_duration_ms, pyannote's
     min_duration_off, both measured here before padding as silero does);
  3. regions shorter than min_speech are removed (kept when exactly equal, as pyannote's `< min_duration_on`);
  4. each region is padded by pad on both sides (silero's speech_pad_ms), padded regions that overlap or touch are
     merged (pyannote's Timeline.support), starts clamped to 0 and ends to the end of the track.
Confidence = mean frame probability over the unpadded extent of the (merged) segment.
Durations are compared with a 1e-9 s tolerance. Fixed seed; frames are contiguous, all `hop` long.
"""
import json
import os

import numpy as np

EPS = 1e-9


def hysteresis(p, onset, offset):
    events = np.full(p.shape, -1, dtype=np.int64)
    events[p < offset] = 0
    # A frame that is not below the offset but at or above the onset turns on; one at or above the onset is also
    # not below the offset (offset <= onset), so the order of these two assignments does not matter.
    events[p >= onset] = 1
    # A value in [offset, onset) keeps the previous state: forward-fill the last event, starting from "off".
    padded = np.concatenate([[0], events])
    index = np.where(padded >= 0, np.arange(padded.size), 0)
    index = np.maximum.accumulate(index)
    return padded[index][1:] == 1


def regions(state):
    edges = np.diff(np.concatenate([[0], state.astype(np.int64), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # start frame, end frame (exclusive)


def segment(p, hop, onset, offset, min_speech, min_silence, pad):
    state = hysteresis(p, onset, offset)
    starts, ends = regions(state)
    if starts.size == 0:
        return []
    # 2. bridge: a new group starts wherever the gap to the previous region is not short.
    gaps = (starts[1:] - ends[:-1]) * hop
    new_group = np.concatenate([[True], gaps >= min_silence - EPS])
    group = np.cumsum(new_group) - 1
    g_start = np.array([starts[group == g].min() for g in range(group.max() + 1)])
    g_end = np.array([ends[group == g].max() for g in range(group.max() + 1)])
    # 3. drop short speech.
    keep = (g_end - g_start) * hop >= min_speech - EPS
    g_start, g_end = g_start[keep], g_end[keep]
    # 4. pad, merge overlapping or touching, clamp.
    track_end = p.size * hop
    result = []
    for s, e in zip(g_start, g_end):
        ps, pe = max(0.0, s * hop - pad), e * hop + pad
        if result and ps <= result[-1][1] + EPS:
            result[-1][1] = pe
            result[-1][3] = e
        else:
            result.append([ps, pe, s, e])
    out = []
    for ps, pe, s, e in result:
        confidence = float(np.mean(p[s:e].astype(np.float64)))
        out.append([ps, min(pe, track_end), confidence])
    return out


def track(rng, n, kind):
    if kind == "walk":
        # Mean-reverting random walk around 0.5.
        x = np.empty(n)
        value = 0.5
        for i in range(n):
            value = 0.8 * value + 0.1 + rng.normal(0, 0.15)
            x[i] = min(1.0, max(0.0, value))
        return x.astype(np.float32)
    if kind == "blocks":
        # Speech-like: alternating runs of high and low values with jitter, some runs in the hysteresis band.
        values = []
        while len(values) < n:
            level = rng.choice([0.05, 0.4, 0.9, 0.45, 0.7, 0.2])
            values.extend(np.clip(level + rng.normal(0, 0.08, rng.integers(1, 15)), 0, 1))
        return np.array(values[:n], dtype=np.float32)
    # Quantized to multiples of 0.05 so thresholds are hit exactly.
    return (np.round(rng.uniform(0, 1, n) * 20) / 20).astype(np.float32)


def main():
    rng = np.random.default_rng(20261122)
    option_sets = [
        dict(onset=0.5, offset=None, min_speech=0.25, min_silence=0.1, pad=0.03),  # silero defaults
        dict(onset=0.5, offset=0.5, min_speech=0.0, min_silence=0.0, pad=0.0),
        dict(onset=0.6, offset=0.3, min_speech=0.1, min_silence=0.3, pad=0.1),
        dict(onset=0.45, offset=0.4, min_speech=0.5, min_silence=0.064, pad=0.064),
        dict(onset=0.1, offset=None, min_speech=0.032, min_silence=0.2, pad=0.0),
    ]
    cases = []
    for hop in (0.032, 0.01):
        for options in option_sets:
            for kind in ("walk", "blocks", "quantized"):
                n = int(rng.integers(50, 400))
                p = track(rng, n, kind)
                onset = np.float32(options["onset"])
                # The C# default offset: max(onset - 0.15f, 0.01f) in float arithmetic.
                offset = (np.maximum(onset - np.float32(0.15), np.float32(0.01))
                          if options["offset"] is None else np.float32(options["offset"]))
                segments = segment(p, hop, onset, offset, options["min_speech"], options["min_silence"], options["pad"])
                cases.append(dict(hop=hop, kind=kind, onset=float(onset),
                                  offset=None if options["offset"] is None else float(offset),
                                  min_speech=options["min_speech"], min_silence=options["min_silence"],
                                  pad=options["pad"], probabilities=[float(v) for v in p],
                                  segments=segments))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "segmenter_reference.json")
    with open(path, "w") as f:
        json.dump(dict(generator="make_segmenter_reference.py", numpy=np.__version__, cases=cases), f, indent=0)
        f.write("\n")
    print(f"{len(cases)} cases, {sum(len(c['segments']) for c in cases)} segments -> {path}")


if __name__ == "__main__":
    main()
