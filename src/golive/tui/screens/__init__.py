"""The wizard's screens: the start screen, one screen per step, the country detail and the modals."""
