"""Imported by the fork server of local corpus runs (`align.corpus.worker_pool`) to warm it up.

Importing this module runs `align.corpus.warm_up`: the pipeline's modules and everything it loads lazily on
first use (the report template, locale data, the word lists of `align.claims`, derived on a machine's first
run) are loaded once in the fork server, and every worker forked from it starts with them in shared memory
instead of loading them again.
"""

from align.corpus import warm_up

warm_up()
