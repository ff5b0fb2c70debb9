<?xml version="1.0" encoding="utf-8"?>
<!--
  What a browser shows of the site's RSS and Atom feeds (articles/feeds.py): a page that says
  what a feed is and how to subscribe, then the feed's articles. Feed readers never read it.
  French, or English when the feed is in English (/en/feed/). No script and no inline style:
  the site's Content-Security-Policy holds on the page the browser makes of the feed, so its
  look comes from the site's own stylesheet, linked. Text from the feed is only ever copied as
  text (xsl:value-of), never as markup.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:variable name="feed" select="/rss/channel | /atom:feed"/>
  <xsl:variable name="lang" select="substring(concat($feed/language, /atom:feed/@xml:lang, 'fr'), 1, 2)"/>
  <xsl:variable name="en" select="$lang = 'en'"/>
  <xsl:variable name="title" select="$feed/title | $feed/atom:title"/>
  <xsl:variable name="site" select="$feed/link | $feed/atom:link[@rel = 'alternate']/@href"/>
  <xsl:variable name="address" select="$feed/atom:link[@rel = 'self']/@href"/>
  <xsl:variable name="kind">
    <xsl:choose><xsl:when test="/atom:feed">Atom</xsl:when><xsl:otherwise>RSS</xsl:otherwise></xsl:choose>
  </xsl:variable>

  <xsl:template match="/">
    <html lang="{$lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title>
          <xsl:value-of select="$title"/>
          <xsl:choose>
            <xsl:when test="$en"> — <xsl:value-of select="$kind"/> feed</xsl:when>
            <xsl:otherwise> — flux <xsl:value-of select="$kind"/></xsl:otherwise>
          </xsl:choose>
        </title>
        <!-- The site's STATIC_URL ("static/"): the page's address is the feed's, not this file's. -->
        <link rel="stylesheet" href="/static/css/site.css"/>
      </head>
      <body class="feed-page">
        <header class="site-header">
          <div class="masthead"><a class="site-name" href="{$site}"><xsl:value-of select="$title"/></a></div>
        </header>
        <main id="content">
          <section class="feed-about" aria-labelledby="feed-heading">
            <p class="kicker">
              <xsl:choose>
                <xsl:when test="$en"><xsl:value-of select="$kind"/> feed</xsl:when>
                <xsl:otherwise>Flux <xsl:value-of select="$kind"/></xsl:otherwise>
              </xsl:choose>
            </p>
            <h1 id="feed-heading"><xsl:value-of select="$title"/></h1>
            <xsl:choose>
              <xsl:when test="$en">
                <p>This page is a <strong>feed</strong>: an address that a feed reader checks for you, so that every new article of the site comes to you as soon as it is published. No account, no e-mail address, nothing to install on this site.</p>
                <h2>How to subscribe</h2>
                <ol class="feed-steps">
                  <li>Copy the address of this page: <code class="feed-address"><xsl:value-of select="$address"/></code></li>
                  <li>Paste it in your feed reader (Feedly, Inoreader, NetNewsWire, Thunderbird… under “Add a feed” or “Subscribe”).</li>
                  <li>That is all: the reader shows the new articles, each with a link to its page and to its source.</li>
                </ol>
              </xsl:when>
              <xsl:otherwise>
                <p>Cette page est un <strong>flux</strong> : une adresse qu’un lecteur de flux consulte pour vous, afin que chaque nouvel article du site vous parvienne dès sa publication. Ni compte, ni adresse électronique, rien à installer sur ce site.</p>
                <h2>S’abonner</h2>
                <ol class="feed-steps">
                  <li>Copiez l’adresse de cette page : <code class="feed-address"><xsl:value-of select="$address"/></code></li>
                  <li>Collez-la dans votre lecteur de flux (Feedly, Inoreader, NetNewsWire, Thunderbird… sous « Ajouter un flux » ou « S’abonner »).</li>
                  <li>C’est tout : le lecteur affiche les nouveaux articles, chacun avec le lien vers sa page et vers sa source.</li>
                </ol>
              </xsl:otherwise>
            </xsl:choose>
          </section>
          <section aria-labelledby="items-heading">
            <h2 id="items-heading">
              <xsl:choose>
                <xsl:when test="$en">Latest articles in this feed</xsl:when>
                <xsl:otherwise>Les derniers articles du flux</xsl:otherwise>
              </xsl:choose>
            </h2>
            <xsl:apply-templates select="$feed/item | $feed/atom:entry"/>
          </section>
        </main>
        <footer class="site-footer">
          <p>
            <a href="{$site}">
              <xsl:choose>
                <xsl:when test="$en">Back to the site</xsl:when>
                <xsl:otherwise>Retour au site</xsl:otherwise>
              </xsl:choose>
            </a>
          </p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item | atom:entry">
    <xsl:variable name="via" select="source | atom:link[@rel = 'via']"/>
    <article class="card">
      <div class="card-text">
        <h3><a href="{link | atom:link[@rel = 'alternate']/@href}"><xsl:value-of select="title | atom:title"/></a></h3>
        <p class="meta">
          <xsl:apply-templates select="pubDate | atom:published"/>
          <xsl:if test="$via">
            <xsl:text> · </xsl:text>
            <xsl:value-of select="source | atom:link[@rel = 'via']/@title"/>
          </xsl:if>
        </p>
        <xsl:variable name="summary" select="description | atom:summary"/>
        <xsl:if test="$summary">
          <p class="card-summary">
            <xsl:call-template name="unescape"><xsl:with-param name="text" select="$summary"/></xsl:call-template>
          </p>
        </xsl:if>
      </div>
    </article>
  </xsl:template>

  <!-- RSS: "Sun, 06 Dec 2026 05:06:28 +0000" -->
  <xsl:template match="pubDate">
    <xsl:variable name="rest" select="normalize-space(substring-after(., ','))"/>
    <xsl:variable name="month" select="substring(substring-after($rest, ' '), 1, 3)"/>
    <xsl:call-template name="date">
      <xsl:with-param name="day" select="number(substring-before($rest, ' '))"/>
      <xsl:with-param name="month" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $month)) div 3 + 1"/>
      <xsl:with-param name="year" select="substring(substring-after(substring-after($rest, ' '), ' '), 1, 4)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Atom: "2026-12-06T05:06:28+00:00" -->
  <xsl:template match="atom:published">
    <xsl:call-template name="date">
      <xsl:with-param name="day" select="number(substring(., 9, 2))"/>
      <xsl:with-param name="month" select="number(substring(., 6, 2))"/>
      <xsl:with-param name="year" select="substring(., 1, 4)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="date">
    <xsl:param name="day"/>
    <xsl:param name="month"/>
    <xsl:param name="year"/>
    <xsl:variable name="months">
      <xsl:choose>
        <xsl:when test="$en">,1=January,2=February,3=March,4=April,5=May,6=June,7=July,8=August,9=September,10=October,11=November,12=December,</xsl:when>
        <xsl:otherwise>,1=janvier,2=février,3=mars,4=avril,5=mai,6=juin,7=juillet,8=août,9=septembre,10=octobre,11=novembre,12=décembre,</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="month-name" select="substring-before(substring-after($months, concat(',', $month, '=')), ',')"/>
    <xsl:choose>
      <xsl:when test="$en"><xsl:value-of select="concat($month-name, ' ', $day, ', ', $year)"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="concat($day, ' ', $month-name, ' ', $year)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A description is HTML-escaped text (articles/feeds.py escapes the summary): the five
       entities Django's escape() writes are read back to text, which is then written as text. -->
  <xsl:template name="unescape">
    <xsl:param name="text"/>
    <xsl:variable name="a"><xsl:call-template name="replace"><xsl:with-param name="text" select="$text"/><xsl:with-param name="from" select="'&amp;lt;'"/><xsl:with-param name="to" select="'&lt;'"/></xsl:call-template></xsl:variable>
    <xsl:variable name="b"><xsl:call-template name="replace"><xsl:with-param name="text" select="$a"/><xsl:with-param name="from" select="'&amp;gt;'"/><xsl:with-param name="to" select="'&gt;'"/></xsl:call-template></xsl:variable>
    <xsl:variable name="c"><xsl:call-template name="replace"><xsl:with-param name="text" select="$b"/><xsl:with-param name="from" select="'&amp;quot;'"/><xsl:with-param name="to" select="'&quot;'"/></xsl:call-template></xsl:variable>
    <xsl:variable name="d"><xsl:call-template name="replace"><xsl:with-param name="text" select="$c"/><xsl:with-param name="from" select="'&amp;#x27;'"/><xsl:with-param name="to">'</xsl:with-param></xsl:call-template></xsl:variable>
    <xsl:call-template name="replace"><xsl:with-param name="text" select="$d"/><xsl:with-param name="from" select="'&amp;amp;'"/><xsl:with-param name="to" select="'&amp;'"/></xsl:call-template>
  </xsl:template>

  <xsl:template name="replace">
    <xsl:param name="text"/>
    <xsl:param name="from"/>
    <xsl:param name="to"/>
    <xsl:choose>
      <xsl:when test="contains($text, $from)">
        <xsl:value-of select="substring-before($text, $from)"/>
        <xsl:value-of select="$to"/>
        <xsl:call-template name="replace">
          <xsl:with-param name="text" select="substring-after($text, $from)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
