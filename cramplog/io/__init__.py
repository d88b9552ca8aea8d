"""Data in and out: cramplog's own exports and the files health apps write."""
