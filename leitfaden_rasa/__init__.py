"""What the Rasa server process needs from Leitfaden: launcher, masking, speed-ups."""
