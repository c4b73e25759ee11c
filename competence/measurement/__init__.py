"""Measurement quality: item statistics, calibration, scale reliability and standard setting."""
