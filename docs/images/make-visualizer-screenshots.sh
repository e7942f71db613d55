#!/usr/bin/env bash
# Remakes docs/images/visualizer.png, docs/images/visualizer-degraded.png and docs/images/visualizer-speech.png: runs the
# visualizer's browser tests (headless Debian chromium), which copy the screenshots they take into $CHORUS_UI_SCREENSHOTS.
set -euo pipefail
cd "$(dirname "$0")/../.."
CHORUS_UI_SCREENSHOTS="$PWD/docs/images" dotnet test tests/Chorus.Server.Ui.Tests --filter "FullyQualifiedName~VisualizerPageTests"
ls -l docs/images/visualizer*.png
