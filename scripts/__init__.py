"""Developer tools run by hand (crash trials, fuzzing, ablation) and what they share with the tests.

The arrows point one way: ``tests`` import from here (the CI-sized crash trials, the fake encoder),
nothing here imports ``tests``.
"""
