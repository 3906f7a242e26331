/* ft-description.c — XEP-0234 <description/>, <checksum/> and <received/>
 * parse and build, with XEP-0300 hashes (see ft-description.h). Pure: no
 * I/O. A peer can only make these functions return JA_XMPP_ERROR; every
 * length and count it controls is checked before it is kept. */

#include "plugins/file-transfer/ft-description.h"

#include <string.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static const char *const creator_names[] = {
  [JA_FT_CREATOR_INITIATOR] = "initiator",
  [JA_FT_CREATOR_RESPONDER] = "responder",
};

const char *
ja_ft_creator_to_string (JaFtCreator creator)
{
  if (creator != JA_FT_CREATOR_INITIATOR && creator != JA_FT_CREATOR_RESPONDER)
    return NULL;
  return creator_names[creator];
}

gboolean
ja_ft_creator_from_string (const char *name, JaFtCreator *creator,
    GError **error)
{
  if (g_strcmp0 (name, "initiator") == 0) {
    *creator = JA_FT_CREATOR_INITIATOR;
  } else if (g_strcmp0 (name, "responder") == 0) {
    *creator = JA_FT_CREATOR_RESPONDER;
  } else {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "creator is neither initiator nor responder");
    return FALSE;
  }
  return TRUE;
}

JaFtFile *
ja_ft_file_new (void)
{
  return g_new0 (JaFtFile, 1);
}

JaFtFile *
ja_ft_file_copy (const JaFtFile *file)
{
  JaFtFile *copy;

  g_return_val_if_fail (file != NULL, NULL);

  copy = g_memdup2 (file, sizeof *file);
  copy->name = g_strdup (file->name);
  copy->date = g_strdup (file->date);
  copy->datetime = file->datetime ? g_date_time_ref (file->datetime) : NULL;
  copy->media_type = g_strdup (file->media_type);
  copy->desc = g_strdup (file->desc);
  return copy;
}

void
ja_ft_file_free (JaFtFile *file)
{
  if (file == NULL)
    return;
  g_free (file->name);
  g_free (file->date);
  g_clear_pointer (&file->datetime, g_date_time_unref);
  g_free (file->media_type);
  g_free (file->desc);
  g_free (file);
}

void
ja_ft_file_set_datetime (JaFtFile *file, GDateTime *dt)
{
  g_return_if_fail (file != NULL);

  g_clear_pointer (&file->date, g_free);
  g_clear_pointer (&file->datetime, g_date_time_unref);
  if (dt != NULL) {
    g_autoptr (GDateTime) utc = g_date_time_to_utc (dt);

    file->date = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    file->datetime = g_date_time_new_from_iso8601 (file->date, NULL);
  }
}

guint
ja_ft_file_get_named_algos (const JaFtFile *file)
{
  guint mask = file->hash_used;

  for (guint i = 0; i < file->hashes.n; i++)
    mask |= JA_FT_HASH_BIT (file->hashes.items[i].algo);
  for (guint i = 0; i < file->range.hashes.n; i++)
    mask |= JA_FT_HASH_BIT (file->range.hashes.items[i].algo);
  return mask;
}

/* ---- field parsers ---- */

static gboolean
bad_request (GError **error, const char *what)
{
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST, "%s", what);
  return FALSE;
}

/* A decimal in [0, G_MAXINT64], surrounding ASCII whitespace allowed; no
 * sign, so a negative size is refused rather than wrapped. */
static gboolean
parse_uint64 (const char *text, guint64 *out)
{
  gsize start = 0, end = strlen (text);
  guint64 v = 0;

  while (start < end && g_ascii_isspace (text[start]))
    start++;
  while (end > start && g_ascii_isspace (text[end - 1]))
    end--;
  if (start == end)
    return FALSE;
  for (gsize i = start; i < end; i++) {
    guint d;

    if (!g_ascii_isdigit (text[i]))
      return FALSE;
    d = text[i] - '0';
    if (v > ((guint64) G_MAXINT64 - d) / 10)
      return FALSE;
    v = v * 10 + d;
  }
  *out = v;
  return TRUE;
}

static gboolean
all_digits (const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++) {
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  }
  return TRUE;
}

/* XEP-0082 §3.2 DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD, TZD Z or ±hh:mm.
 * GLib's ISO 8601 parser accepts much more (week dates, no zone), so the
 * shape is checked here and the values by GLib. */
static GDateTime *
parse_datetime (const char *s)
{
  gsize n = strlen (s), i = 19;

  if (n < 20 || n > JA_FT_MAX_DATE_BYTES)
    return NULL;
  if (!all_digits (s, 4) || s[4] != '-' || !all_digits (s + 5, 2)
      || s[7] != '-' || !all_digits (s + 8, 2) || s[10] != 'T'
      || !all_digits (s + 11, 2) || s[13] != ':' || !all_digits (s + 14, 2)
      || s[16] != ':' || !all_digits (s + 17, 2))
    return NULL;
  if (s[i] == '.') {
    gsize digits = 0;

    for (i++; i < n && g_ascii_isdigit (s[i]); i++)
      digits++;
    if (digits == 0 || digits > 9)
      return NULL;
  }
  if (!(n - i == 1 && s[i] == 'Z')
      && !(n - i == 6 && (s[i] == '+' || s[i] == '-')
          && all_digits (s + i + 1, 2) && s[i + 3] == ':'
          && all_digits (s + i + 4, 2)))
    return NULL;
  return g_date_time_new_from_iso8601 (s, NULL);
}

/* The text of a singleton child, refused when repeated or too long. */
static gboolean
take_text (const JaXmlNode *child, char **field, gsize max,
    GError **error)
{
  const char *text = ja_xml_node_get_text (child);

  if (*field != NULL) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "<%s/> appears twice", child->name);
    return FALSE;
  }
  if (strlen (text) > max) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "<%s/> is longer than %" G_GSIZE_FORMAT " bytes", child->name, max);
    return FALSE;
  }
  *field = g_strdup (text);
  return TRUE;
}

/* One XEP-0300 <hash/> or <hash-used/>; unknown algorithms are counted.
 * *n counts the elements seen so far (bounded by JA_FT_MAX_HASHES). */
static gboolean
parse_hash (const JaXmlNode *child, JaFtHashList *hashes, guint *hash_used,
    guint *n, guint *n_ignored, GError **error)
{
  const char *name = ja_xml_node_get_attr (child, "algo");
  gboolean used = strcmp (child->name, "hash-used") == 0;
  JaFtHashAlgo algo;
  JaFtHash hash;

  if (++*n > JA_FT_MAX_HASHES)
    return bad_request (error, "too many hashes");
  if (name == NULL)
    return bad_request (error, "<hash/> without algo");
  if (!ja_ft_hash_algo_from_string (name, &algo, NULL)) {
    g_debug ("ft: ignoring hash algorithm '%.32s'", name);
    (*n_ignored)++;
    return TRUE;
  }
  if (used) {
    if (hash_used == NULL)
      return bad_request (error, "<hash-used/> not allowed here");
    *hash_used |= JA_FT_HASH_BIT (algo);
    return TRUE;
  }
  for (guint i = 0; i < hashes->n; i++) {
    if (hashes->items[i].algo == algo)
      return bad_request (error, "two hashes with the same algo");
  }
  if (!ja_ft_hash_set_base64 (&hash, algo, ja_xml_node_get_text (child),
          error))
    return FALSE;
  /* Cannot fail: at most JA_FT_MAX_HASHES elements were seen. */
  return ja_ft_hash_list_set (hashes, &hash);
}

static gboolean
is_hash_element (const JaXmlNode *child)
{
  return g_strcmp0 (child->ns, JA_NS_HASHES) == 0
      && (strcmp (child->name, "hash") == 0
          || strcmp (child->name, "hash-used") == 0);
}

static gboolean
parse_range (const JaXmlNode *node, JaFtRange *range, guint *n_ignored,
    GError **error)
{
  const char *offset = ja_xml_node_get_attr (node, "offset");
  const char *length = ja_xml_node_get_attr (node, "length");
  guint n = 0;

  if (range->present)
    return bad_request (error, "<range/> appears twice");
  range->present = TRUE;
  if (offset != NULL && !parse_uint64 (offset, &range->offset))
    return bad_request (error, "bad range offset");
  if (length != NULL) {
    if (!parse_uint64 (length, &range->length))
      return bad_request (error, "bad range length");
    if (range->length > (guint64) G_MAXINT64 - range->offset)
      return bad_request (error, "range ends past 2^63");
    range->has_length = TRUE;
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    const JaXmlNode *child = ja_xml_node_get_child (node, i);

    /* hash-used has no meaning inside a range: parse_hash refuses it. */
    if (is_hash_element (child)
        && !parse_hash (child, &range->hashes, NULL, &n, n_ignored, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
parse_file_child (JaFtFile *file, const JaXmlNode *child, guint *n_hashes,
    GError **error)
{
  const char *name = child->name;

  if (is_hash_element (child))
    return parse_hash (child, &file->hashes, &file->hash_used, n_hashes,
        &file->n_ignored_hashes, error);
  if (g_strcmp0 (child->ns, JA_NS_JINGLE_FT) != 0)
    return TRUE;        /* other metadata, e.g. XEP-0264 thumbnails */

  if (strcmp (name, "name") == 0)
    return take_text (child, &file->name, JA_FT_MAX_NAME_BYTES, error);
  if (strcmp (name, "media-type") == 0)
    return take_text (child, &file->media_type, JA_FT_MAX_MEDIA_TYPE_BYTES,
        error);
  if (strcmp (name, "desc") == 0) {
    /* Several, one per xml:lang, are allowed: keep the first. */
    if (file->desc != NULL)
      return TRUE;
    return take_text (child, &file->desc, JA_FT_MAX_DESC_BYTES, error);
  }
  if (strcmp (name, "size") == 0) {
    if (file->has_size)
      return bad_request (error, "<size/> appears twice");
    if (!parse_uint64 (ja_xml_node_get_text (child), &file->size))
      return bad_request (error, "<size/> is not a size");
    file->has_size = TRUE;
    return TRUE;
  }
  if (strcmp (name, "date") == 0) {
    g_autoptr (GDateTime) dt = parse_datetime (ja_xml_node_get_text (child));

    if (file->date != NULL)
      return bad_request (error, "<date/> appears twice");
    if (dt == NULL) {
      g_debug ("ft: ignoring a <date/> that is not an XEP-0082 DateTime");
      return TRUE;
    }
    file->date = g_strdup (ja_xml_node_get_text (child));
    file->datetime = g_steal_pointer (&dt);
    return TRUE;
  }
  if (strcmp (name, "range") == 0)
    return parse_range (child, &file->range, &file->n_ignored_hashes, error);
  return TRUE;
}

JaFtFile *
ja_ft_file_parse (const JaXmlNode *node, GError **error)
{
  g_autoptr (JaFtFile) file = ja_ft_file_new ();
  guint n_hashes = 0;

  g_return_val_if_fail (node != NULL, NULL);

  if (!ja_xml_node_is (node, "file", JA_NS_JINGLE_FT)) {
    bad_request (error, "not an XEP-0234 <file/>");
    return NULL;
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    if (!parse_file_child (file, ja_xml_node_get_child (node, i), &n_hashes,
            error))
      return NULL;
  }
  if (file->has_size && file->range.present
      && (file->range.offset > file->size
          || (file->range.has_length
              && file->range.offset + file->range.length > file->size))) {
    bad_request (error, "<range/> lies outside the file");
    return NULL;
  }
  return g_steal_pointer (&file);
}

JaFtFile *
ja_ft_description_parse (const JaXmlNode *description, GError **error)
{
  const JaXmlNode *file = NULL;

  g_return_val_if_fail (description != NULL, NULL);

  if (!ja_xml_node_is (description, "description", JA_NS_JINGLE_FT)) {
    bad_request (error, "not an XEP-0234 <description/>");
    return NULL;
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (description); i++) {
    const JaXmlNode *child = ja_xml_node_get_child (description, i);

    if (!ja_xml_node_is (child, "file", JA_NS_JINGLE_FT))
      continue;
    if (file != NULL) {
      bad_request (error, "more than one <file/>");
      return NULL;
    }
    file = child;
  }
  if (file == NULL) {
    bad_request (error, "<description/> without <file/>");
    return NULL;
  }
  return ja_ft_file_parse (file, error);
}

/* ---- build ---- */

static void
add_text_child (JaXmlNode *parent, const char *name, const char *text)
{
  if (text != NULL)
    ja_xml_node_set_text (ja_xml_node_add_new (parent, name, NULL), text);
}

static void
add_hashes (JaXmlNode *parent, const JaFtHashList *hashes)
{
  for (guint i = 0; i < hashes->n; i++) {
    const JaFtHash *h = &hashes->items[i];
    JaXmlNode *node = ja_xml_node_add_new (parent, "hash", JA_NS_HASHES);

    ja_xml_node_set_attr (node, "algo", ja_ft_hash_algo_to_string (h->algo));
    if (h->len > 0) {
      g_autofree char *b64 = ja_ft_hash_to_base64 (h);

      ja_xml_node_set_text (node, b64);
    }
  }
}

JaXmlNode *
ja_ft_file_build (const JaFtFile *file)
{
  g_autoptr (JaXmlNode) node = NULL;

  g_return_val_if_fail (file != NULL, NULL);

  node = ja_xml_node_new ("file", JA_NS_JINGLE_FT);
  add_text_child (node, "date", file->date);
  add_text_child (node, "desc", file->desc);
  add_text_child (node, "media-type", file->media_type);
  add_text_child (node, "name", file->name);
  if (file->range.present) {
    JaXmlNode *range = ja_xml_node_add_new (node, "range", NULL);

    if (file->range.offset != 0)
      ja_xml_node_set_attr_printf (range, "offset", "%" G_GUINT64_FORMAT,
          file->range.offset);
    if (file->range.has_length)
      ja_xml_node_set_attr_printf (range, "length", "%" G_GUINT64_FORMAT,
          file->range.length);
    add_hashes (range, &file->range.hashes);
  }
  if (file->has_size) {
    JaXmlNode *size = ja_xml_node_add_new (node, "size", NULL);
    g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT,
        file->size);

    ja_xml_node_set_text (size, text);
  }
  add_hashes (node, &file->hashes);
  for (guint i = 0; i < JA_FT_N_HASH_ALGOS; i++) {
    if (file->hash_used & JA_FT_HASH_BIT (i))
      ja_xml_node_set_attr (ja_xml_node_add_new (node, "hash-used",
              JA_NS_HASHES), "algo", ja_ft_hash_algo_to_string (i));
  }
  return g_steal_pointer (&node);
}

JaXmlNode *
ja_ft_description_build (const JaFtFile *file)
{
  JaXmlNode *description = ja_xml_node_new ("description", JA_NS_JINGLE_FT);

  ja_xml_node_add_child (description, ja_ft_file_build (file));
  return description;
}

/* ---- session-info payloads ---- */

/* creator and name of <checksum/> and <received/>: SHOULD, not MUST
 * (XEP-0234 §Informational Messages), so both may be absent. */
static gboolean
parse_content_ref (const JaXmlNode *node, JaFtCreator *creator, char **name,
    GError **error)
{
  const char *c = ja_xml_node_get_attr (node, "creator");
  const char *n = ja_xml_node_get_attr (node, "name");

  *creator = JA_FT_CREATOR_NONE;
  *name = NULL;
  if (c != NULL && !ja_ft_creator_from_string (c, creator, error))
    return FALSE;
  if (n != NULL && strlen (n) > JA_FT_MAX_NAME_BYTES)
    return bad_request (error, "content name too long");
  *name = g_strdup (n);
  return TRUE;
}

static void
set_content_ref (JaXmlNode *node, JaFtCreator creator, const char *name)
{
  ja_xml_node_set_attr (node, "creator", ja_ft_creator_to_string (creator));
  ja_xml_node_set_attr (node, "name", name);
}

void
ja_ft_checksum_free (JaFtChecksum *checksum)
{
  if (checksum == NULL)
    return;
  g_free (checksum->name);
  ja_ft_file_free (checksum->file);
  g_free (checksum);
}

JaFtChecksum *
ja_ft_checksum_parse (const JaXmlNode *node, GError **error)
{
  g_autoptr (JaFtChecksum) checksum = g_new0 (JaFtChecksum, 1);
  const JaXmlNode *file;
  const JaFtFile *f;

  g_return_val_if_fail (node != NULL, NULL);

  if (!ja_xml_node_is (node, "checksum", JA_NS_JINGLE_FT)) {
    bad_request (error, "not an XEP-0234 <checksum/>");
    return NULL;
  }
  if (!parse_content_ref (node, &checksum->creator, &checksum->name, error))
    return NULL;
  file = ja_xml_node_find (node, "file", JA_NS_JINGLE_FT);
  if (file == NULL) {
    bad_request (error, "<checksum/> without <file/>");
    return NULL;
  }
  checksum->file = ja_ft_file_parse (file, error);
  if (checksum->file == NULL)
    return NULL;
  f = checksum->file;
  if (f->hashes.n == 0 && f->hash_used == 0 && f->range.hashes.n == 0
      && f->n_ignored_hashes == 0) {
    bad_request (error, "<checksum/> without a hash");
    return NULL;
  }
  return g_steal_pointer (&checksum);
}

JaXmlNode *
ja_ft_checksum_build (JaFtCreator creator, const char *name,
    const JaFtFile *file)
{
  JaXmlNode *node;

  g_return_val_if_fail (file != NULL, NULL);

  node = ja_xml_node_new ("checksum", JA_NS_JINGLE_FT);
  set_content_ref (node, creator, name);
  ja_xml_node_add_child (node, ja_ft_file_build (file));
  return node;
}

gboolean
ja_ft_received_parse (const JaXmlNode *node, JaFtCreator *creator,
    char **name, GError **error)
{
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (creator != NULL && name != NULL, FALSE);

  if (!ja_xml_node_is (node, "received", JA_NS_JINGLE_FT))
    return bad_request (error, "not an XEP-0234 <received/>");
  return parse_content_ref (node, creator, name, error);
}

JaXmlNode *
ja_ft_received_build (JaFtCreator creator, const char *name)
{
  JaXmlNode *node = ja_xml_node_new ("received", JA_NS_JINGLE_FT);

  set_content_ref (node, creator, name);
  return node;
}
