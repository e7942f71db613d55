"""Makes a development set for tuning the speech ensemble (plugins/vad.speech.json), disjoint from the test set.

It reuses the test-set generator (tests/data/speech/make_speech_testset.py: same conditions, SNRs, durations, label
format) with other espeak-ng voices, other sentences, other babble talkers and other noise seeds, so weights and modes
can be chosen without looking at the test set. Not committed: run
    /usr/bin/python3 plugins/make_speech_devset.py --out /tmp/speech-dev
    dotnet run --project src/Chorus.Cli -- eval plugins/vad.speech.json --data /tmp/speech-dev/index.csv
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "speech"))
import make_speech_testset as testset  # noqa: E402

testset.SOURCES = [
    ("en-m", "en-gb+m2", "en", ["Close the door.", "The bus is early.", "Pass me the salt."]),
    ("de-f", "de+f3", "de", ["Gute Nacht.", "Der Himmel ist blau.", "Wir gehen jetzt."]),
    ("fr-m", "fr-fr+m2", "fr", ["Bonsoir madame.", "Le pain est frais.", "Il pleut depuis hier."]),
    ("es-f", "es+f4", "es", ["Buenas noches.", "La casa es grande.", "Comemos a las dos."]),
]
testset.BABBLE = [
    ("en-us+m3", ["Every morning the baker opens early.", "Please call me when you arrive."]),
    ("de+m5", ["Das Museum ist am Montag geschlossen.", "Wir treffen uns vor dem Kino."]),
    ("fr-fr+f2", ["Le marché ouvre tous les samedis.", "Je prends le métro pour aller travailler."]),
    ("es+m4", ["El tren sale a las nueve.", "Compramos fruta en el mercado."]),
    ("it+f3", ["Il museo apre alle dieci.", "Abbiamo visto un bel film ieri sera."]),
]

_rng = np.random.default_rng


def _dev_rng(seed=None):
    # Other noise and silence draws than the test set's: one more seed component.
    return _rng(list(np.atleast_1d(seed)) + [7919] if seed is not None else None)


testset.np.random.default_rng = _dev_rng

if __name__ == "__main__":
    testset.main()
