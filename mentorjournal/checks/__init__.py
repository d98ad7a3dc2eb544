"""Findings: schema verdicts, each file's own rules, cross-file rules, signatures."""
