"""`talking-together render`: a stream (frames JSONL or MCAP recording) as an MP4 of both people.

performance.py reads the input into arrays and lines the sound up with it; face.py builds and
draws a face from the ARKit weights and the neck/head/eye rotations; room.py draws the top view;
scene.py lays out one frame; video.py encodes and muxes with PyAV; cli.py is the command.
"""
