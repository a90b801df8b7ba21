"""The crawler room: the engine, the spider and the parsers that observe a site and record it in the store."""
