"""The results pages: published results for everyone, the agency's result per stage, the national admin's
finalisation and publication."""
