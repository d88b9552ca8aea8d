"""Randomised on/off self-trials (N-of-1 trials) of one yes/no factor.

`schedule` draws and reads the plan (standard library only: the logging commands print
tonight's arm), `store` reads and writes trials in the diary, `tonight` is the one line the
logging commands print, `analysis` is the exact analysis of a trial's nights, `power` the
seeded simulation `trial plan` reports, `words` the sentences a person reads, and `summary`
what a report is handed (the report layers do not read the database).
"""
