<?xml version="1.0" encoding="UTF-8"?>
{#- Rendered once per language as /assets/feed.<lang>.xsl (see ssg/feeds.py). A browser that opens
    an RSS or Atom feed applies it and shows this page; feed readers ignore it and read the XML. -#}
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

<xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
<xsl:variable name="description" select="/rss/channel/description | /atom:feed/atom:subtitle"/>
<xsl:variable name="home" select="/rss/channel/link | /atom:feed/atom:link[@rel='alternate'][1]/@href"/>
<xsl:variable name="self" select="/rss/channel/atom:link[@rel='self']/@href | /atom:feed/atom:link[@rel='self']/@href"/>

<xsl:template match="/">
<html lang="{{ lang }}" dir="{{ 'rtl' if language.rtl else 'ltr' }}">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="color-scheme" content="light dark"/>
<title><xsl:value-of select="$title"/> · {{ _("Web feed") }}</title>
<style>
  body { font: 1.05rem/1.6 system-ui, sans-serif; max-width: 42rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
  .about { border: 2px solid #c9a227; border-radius: .75rem; padding: .25rem 1.25rem 1rem; background: #fdf8e6; color: #222; }
  .badge { font-weight: 700; text-transform: uppercase; letter-spacing: .05em; font-size: .85rem; color: #7a5c00; }
  .address { display: block; padding: .5rem .75rem; border-radius: .4rem; background: #fff; border: 1px solid #ccc; overflow-wrap: anywhere; user-select: all; }
  ol.entries { list-style: none; padding: 0; }
  ol.entries li { padding: .6rem 0; border-bottom: 1px solid #8884; }
  time { display: block; font-size: .9rem; opacity: .75; }
  @media (prefers-color-scheme: dark) {
    body { background: #161616; color: #eee; } a { color: #8cf; }
    .about { background: #2a2414; color: #eee; } .badge { color: #e8c55a; }
    .address { background: #000; color: #eee; border-color: #555; }
  }
</style>
</head>
<body>
<main>
<section class="about">
  <p class="badge">{{ _("This is a web feed") }}</p>
  <p>{{ _("Follow this website in a feed reader: new posts come to you as soon as they are published. No account, no algorithm, no advertising.") }}</p>
  <h2>{{ _("How to subscribe") }}</h2>
  <p>{{ _("Copy this address into your feed reader:") }}</p>
  <p><code class="address"><xsl:value-of select="$self"/></code></p>
  <p>{{ _("A feed reader (also called a news reader or RSS reader) is an app or website that collects new posts from the websites you follow. Many are free. Most also find the feed when you give them the address of the website itself.") }}</p>
  <xsl:if test="//enclosure | //atom:link[@rel='enclosure']">
  <p>{{ _("Podcast apps can subscribe to this address too.") }}</p>
  </xsl:if>
  <p><a href="https://aboutfeeds.com/">{{ _("Learn more about feeds") }}</a></p>
</section>
<header>
  <h1><xsl:value-of select="$title"/></h1>
  <p><xsl:value-of select="$description"/></p>
  <p><a href="{$home}">{{ _("Visit the website") }}</a></p>
</header>
<section>
  <h2>{{ _("Latest entries") }}</h2>
  <xsl:choose>
    <xsl:when test="/rss/channel/item | /atom:feed/atom:entry">
      <ol class="entries">
        <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
      </ol>
    </xsl:when>
    <xsl:otherwise><p>{{ _("Nothing here yet.") }}</p></xsl:otherwise>
  </xsl:choose>
</section>
</main>
</body>
</html>
</xsl:template>

<xsl:template match="item">
  <xsl:variable name="month" select="substring(pubDate, 9, 3)"/>
  <xsl:variable name="number" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $month)) div 3 + 1"/>
  <xsl:variable name="day" select="concat(substring(pubDate, 13, 4), '-', format-number($number, '00'), '-', substring(pubDate, 6, 2))"/>
  <li>
    <a href="{link}"><xsl:value-of select="title"/></a>
    <time datetime="{$day}"><xsl:value-of select="$day"/></time>
  </li>
</xsl:template>

<xsl:template match="atom:entry">
  <xsl:variable name="day" select="substring(atom:published | atom:updated[not(../atom:published)], 1, 10)"/>
  <li>
    <xsl:if test="@xml:lang"><xsl:attribute name="lang"><xsl:value-of select="@xml:lang"/></xsl:attribute></xsl:if>
    <a href="{atom:link[@rel='alternate'][1]/@href}"><xsl:value-of select="atom:title"/></a>
    <time datetime="{$day}"><xsl:value-of select="$day"/></time>
  </li>
</xsl:template>
</xsl:stylesheet>
