"""Every word list and punctuation set the features, the markup and the training data use,
and the regex prefix tree that matches a word list fast.

An alternation of a hundred words is tried word by word at every position of the
text; a tree only follows the letters that are there, several times faster.
"""

from __future__ import annotations


# Sentence-ending marks in the scripts the models meet, and what may close a sentence after
# them (quotes, brackets).
TERMINAL_PUNCTUATION = ".!?…。！？؟۔।"
CLOSING_MARKS = "\"'”’»)]）」』"

MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر "
    "كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين "
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря "
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia "
    "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου "
    "οκτωβρίου νοεμβρίου δεκεμβρίου"
).split()
BOILERPLATE_WORDS = (
    "cookie cookies privacy subscribe newsletter share tweet facebook twitter instagram linkedin "
    "whatsapp youtube telegram pinterest comments comment login signup copyright advertisement "
    "advertising sponsored trending popular menu search home skip loading "
    "تابعنا شارك تعليقات تعليق اشترك إعلان الرئيسية "
    "подписаться комментарии реклама поделиться главная "
    "komentarze udostępnij reklama zaloguj σχόλια διαφήμιση 版权 评论 分享 登录 注册 广告 首页 责任编辑"
).split()
BOILERPLATE_PHRASES = (
    "follow us|sign in|sign up|log in|all rights reserved|read more|read also|related articles|"
    "related|more on this story|recommended|more news|show more|see also|more from|most read|"
    "terms of use|terms of service|contact us|about us|click here|"
    "اقرأ أيضا|اقرأ المزيد|شاهد أيضا|الأكثر قراءة|ذات الصلة|ذات صلة|المزيد من|جميع الحقوق|شارك|"
    "читайте также|смотрите также|похожие новости|по теме|все права защищены|"
    "czytaj także|zobacz też|powiązane|διαβάστε επίσης|σχετικά άρθρα|"
    "相关阅读|相关新闻|相关文章|延伸阅读|lire aussi|lesen sie auch|leer también"
).split("|")

# Words in the class and id attributes of a line's ancestors, by what they mark (matched
# at a word's start; no word of one group begins a word of another).
CLASS_WORDS: dict[str, tuple[str, ...]] = {
    name: tuple(words.split()) for name, words in {
        "cls_nav": "nav menu navbar navigation topbar header",
        "cls_footer": "foot copyright legal colophon",
        "cls_comment": "comment disqus reply replies respond discussion",
        "cls_share": "share sharing social follow facebook twitter whatsapp",
        "cls_related": "related recommend more popular trending read-next readnext also teaser "
                       "outbrain taboola",
        "cls_cookie": "cookie consent gdpr privacy",
        "cls_ad": "ad ads advert banner sponsor promo dfp gpt",
        "cls_newsletter": "newsletter subscri signup sign-up paywall register",
        "cls_breadcrumb": "breadcrumb crumb",
        "cls_sidebar": "sidebar side widget rail aside",
        "cls_meta": "author byline date time meta tag categor keyword dateline published updated",
        "cls_content": "article content post entry story body text prose detail",
        "cls_title": "title headline heading h1",
        "cls_caption": "caption credit figure photo image img media gallery",
    }.items()
}

# In-article boilerplate that training inserts between paragraphs (training/augment.py).
RELATED_PHRASES = (
    "Related:", "Read also:", "See also:", "Read more:", "More on this story:", "Recommended:",
    "اقرأ أيضا:", "أخبار ذات صلة", "مواضيع ذات صلة", "شاهد أيضا:", "اقرأ المزيد",
    "Читайте также:", "Смотрите также:", "По теме:", "Czytaj także:", "Zobacz też:",
    "Διαβάστε επίσης:", "相关新闻：", "延伸阅读：", "Lire aussi :", "Lesen Sie auch:", "Leer también:",
    "Related news", "Related stories", "View related stories", "More news", "Show more",
    "الأخبار ذات الصلة", "مقالات ذات صلة", "المزيد من الأخبار", "Похожие новости",
    "Powiązane artykuły", "Σχετικά άρθρα", "相关文章", "Share this article", "شارك الخبر",
)
# Month names by language, for the dates of inserted social posts (English first).
MONTHS_BY_LANGUAGE = (
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"),
    ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
     "نوفمبر", "ديسمبر"),
    ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
     "октября", "ноября", "декабря"),
)
