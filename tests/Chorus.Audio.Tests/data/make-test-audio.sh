#!/bin/sh
# Regenerates the WAV test files for Chorus.Audio and records what sox says about them in soxi.tsv.
# Needs sox and espeak-ng (Debian: apt-get install -y sox espeak-ng). The tests read only the committed results.
set -eu
cd "$(dirname "$0")"
rm -f ./*.wav soxi.tsv

# -D: no dither, so the tones are exactly what synth makes (rounded to the sample format).
tone() { # name rate encoding bits channels seconds effects...
    name=$1 rate=$2 enc=$3 bits=$4 ch=$5 secs=$6
    shift 6
    sox -D -n -r "$rate" -e "$enc" -b "$bits" -c "$ch" "$name" synth "$secs" "$@"
}

# 1 kHz at amplitude 0.5 for every supported rate and sample format, mono, 0.1 s.
for rate in 8000 16000 22050 44100 48000; do
    tone "sine1k_${rate}_s16.wav" "$rate" signed-integer 16 1 0.1 sine 1000 vol 0.5
    tone "sine1k_${rate}_s24.wav" "$rate" signed-integer 24 1 0.1 sine 1000 vol 0.5
    tone "sine1k_${rate}_f32.wav" "$rate" floating-point 32 1 0.1 sine 1000 vol 0.5
done
# sox writes WAVE_FORMAT_EXTENSIBLE for 24-bit and float; -t wavpcm forces the plain header.
sox -D -n -r 44100 -e signed-integer -b 24 -c 1 -t wavpcm sine1k_44100_s24_plain.wav synth 0.1 sine 1000 vol 0.5
# Near the new Nyquist: 7 kHz must pass, 9 kHz (above 8 kHz) must be filtered out.
tone tone7k_48000_f32.wav 48000 floating-point 32 1 0.1 sine 7000 vol 0.5
tone tone9k_48000_f32.wav 48000 floating-point 32 1 0.1 sine 9000 vol 0.5
# Stereo with the tone in the left channel only.
tone left1k_44100_s16_stereo.wav 44100 signed-integer 16 2 0.1 sine 1000 vol 0.5 remix 1 0
tone left1k_48000_f32_stereo.wav 48000 floating-point 32 2 0.1 sine 1000 vol 0.5 remix 1 0

# Speech: espeak-ng writes 22050 Hz 16-bit mono; sox makes the other layouts.
espeak-ng -w speech_22050_s16.wav "Hello chorus."
sox -D speech_22050_s16.wav -r 8000 -b 16 speech_8000_s16.wav
sox -D speech_22050_s16.wav -c 2 speech_22050_s16_stereo.wav
sox -D speech_22050_s16.wav -r 16000 -b 24 speech_16000_s24.wav

# Rejected inputs, kept tiny.
tone reject_8bit.wav 16000 unsigned-integer 8 1 0.01 sine 1000
tone reject_ulaw.wav 16000 u-law 8 1 0.01 sine 1000
tone reject_alaw.wav 16000 a-law 8 1 0.01 sine 1000
tone reject_msadpcm.wav 16000 ms-adpcm 4 1 0.01 sine 1000
tone reject_imaadpcm.wav 16000 ima-adpcm 4 1 0.01 sine 1000
tone reject_3ch.wav 16000 signed-integer 16 3 0.01 sine 1000
tone reject_11025.wav 11025 signed-integer 16 1 0.01 sine 1000

# name, rate, channels, samples per channel, duration in seconds, bits, encoding, format tag in the header
printf 'file\trate\tchannels\tsamples\tseconds\tbits\tencoding\tformat_tag\n' > soxi.tsv
for f in *.wav; do
    tag=$(od -An -tx2 -j20 -N2 "$f" | tr -d " \n")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t0x%s\n' "$f" "$(soxi -r "$f")" "$(soxi -c "$f")" "$(soxi -s "$f")" \
        "$(soxi -D "$f")" "$(soxi -b "$f")" "$(soxi -e "$f")" "$tag" >> soxi.tsv
done
