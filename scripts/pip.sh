#!/usr/bin/env bash
# pip, minus the harmless warnings it repeats on this machine (extra index paths that do not
# exist, setuptools' editable-install banner); keeps pip's exit status.
set -o pipefail
"$@" 2>&1 | grep -v -E -e "is ignored: it is neither a file nor a directory" \
  -e "^ *!!$" -e "WheelFile\(wheel_path" -e "^ *$" -e "BuildBackendWarning: Editable" \
  -e "^ *\*+$" -e "Please be careful with folders" -e "name as your package as they may"
exit "${PIPESTATUS[0]}"
