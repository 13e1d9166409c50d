"""A Scrapy spider doing what mlsysscrape's seminar extractor does, for
scripts/bench-vs-scrapy: every talk block of a page in the seminar's
markup, with its series heading, date, presenter, title, video links,
abstract and bio, written by Scrapy's feed exports (JSON and CSV).

    scrapy runspider scripts/seminar_spider.py -a url=http://127.0.0.1:8000/p10k.html -O talks.json -O talks.csv
"""
import re

import scrapy

SPACE = re.compile(r"\s+")


def clean(parts):
    return SPACE.sub(" ", " ".join(parts)).strip()


class SeminarSpider(scrapy.Spider):
    name = "seminar"
    custom_settings = {
        "LOG_LEVEL": "ERROR",
        "ROBOTSTXT_OBEY": True,  # as mlsysscrape does
        "DOWNLOAD_MAXSIZE": 0,
        "DOWNLOAD_WARNSIZE": 0,
    }

    def __init__(self, url=None, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [url]

    def parse(self, response):
        # The series heading is looked up once per list, not per talk: an
        # XPath "preceding::h2" from each talk is quadratic in the page.
        for talks in response.css("div.talk-list"):
            series = clean(talks.xpath("preceding::h2[1]//text()").getall())
            for talk in talks.css("div.talk"):
                yield self.talk(talk, series)

    def talk(self, talk, series):
        details = talk.css("details")
        body = clean(details.xpath("./text()|./*[not(self::summary)]//text()").getall())
        abstract, _, bio = body.partition("Bio:")
        videos = talk.css("a::attr(href)").getall()
        return {
            "series": series,
            "date": clean(talk.css("div.talk-date ::text").getall()),
            "presenter": clean(talk.css("div.talk-presenter ::text").getall()),
            "title": clean(talk.css("a.talk-title-link ::text, div > span ::text").getall()),
            "video_url": videos[0] if videos else "",
            "abstract": abstract.strip(),
            "bio": bio.replace("Livestream Link", "").replace("Recording", "").strip(),
        }
