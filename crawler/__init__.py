"""The crawler room: Scrapy components that observe a site and record it in the store."""
