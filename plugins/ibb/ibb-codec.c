/* ibb-codec.c — XEP-0047 (In-Band Bytestreams) §2 wire format: parse and
 * build <open/>, <data/> and <close/>. Pure: no I/O, no state. Base64 is
 * validated here (RFC 4648 §4 alphabet and padding) and then decoded with
 * g_base64_decode_step straight into the caller's block buffer; every size
 * taken off the wire is bounded by the negotiated block-size. */
#include "plugins/ibb/ibb-codec.h"

#include <string.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static const char *const stanza_names[] = {
  [JA_IBB_STANZA_IQ] = "iq",
  [JA_IBB_STANZA_MESSAGE] = "message",
};

const char *
ja_ibb_stanza_to_string (JaIbbStanza stanza)
{
  g_return_val_if_fail (stanza < G_N_ELEMENTS (stanza_names), NULL);
  return stanza_names[stanza];
}

gboolean
ja_ibb_stanza_from_string (const char *text, JaIbbStanza *out, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (stanza_names); i++) {
    if (text != NULL && strcmp (text, stanza_names[i]) == 0) {
      *out = i;
      return TRUE;
    }
  }
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
      "unknown IBB stanza kind '%.32s'", text ? text : "(null)");
  return FALSE;
}

void
ja_ibb_open_free (JaIbbOpen *open)
{
  if (open == NULL)
    return;
  g_free (open->sid);
  g_free (open);
}

/* ---- attributes --------------------------------------------------------- */

static gboolean
is_name_char (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c) || c == '.' || c == '-' || c == '_' || c == ':';
  /* XML 1.0 NameChar beyond ASCII, approximated by Unicode classes. */
  return c == 0xB7 || g_unichar_isalnum (c) || g_unichar_ismark (c);
}

gboolean
ja_ibb_sid_is_valid (const char *sid)
{
  gsize len;

  if (sid == NULL)
    return FALSE;
  len = strnlen (sid, JA_IBB_MAX_SID_LEN + 1);
  if (len == 0 || len > JA_IBB_MAX_SID_LEN || !g_utf8_validate (sid, len, NULL))
    return FALSE;
  for (const char *p = sid; *p != '\0'; p = g_utf8_next_char (p))
    if (!is_name_char (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static const char *
parse_sid (const JaXmlNode *node, GError **error)
{
  const char *sid = ja_xml_node_get_attr (node, "sid");

  if (!ja_ibb_sid_is_valid (sid)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "<%s/> has %s sid", node->name, sid ? "an invalid" : "no");
    return NULL;
  }
  return sid;
}

/* An unsigned decimal of at most max_digits digits, no sign or space. */
static gboolean
parse_decimal (const char *text, guint max_digits, guint32 *out)
{
  guint32 v = 0;
  guint n = 0;

  if (text == NULL || text[0] == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++) {
    if (!g_ascii_isdigit (*p) || ++n > max_digits)
      return FALSE;
    v = v * 10 + (guint32) (*p - '0');
  }
  *out = v;
  return TRUE;
}

/* ---- <open/> ------------------------------------------------------------ */

JaIbbOpen *
ja_ibb_open_parse (const JaXmlNode *open, guint16 max_block_size,
    GError **error)
{
  g_autoptr (JaIbbOpen) out = g_new0 (JaIbbOpen, 1);
  const char *bs_text, *sid, *stanza;
  guint32 bs;

  if (!ja_xml_node_is (open, "open", JA_NS_IBB)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "not an IBB <open/>");
    return NULL;
  }
  sid = parse_sid (open, error);
  if (sid == NULL)
    return NULL;
  bs_text = ja_xml_node_get_attr (open, "block-size");
  /* Nine digits keep the value in 32 bits; anything longer is too big. */
  if (!parse_decimal (bs_text, 9, &bs) || bs == 0) {
    gboolean too_big = bs_text != NULL && strspn (bs_text, "0123456789")
        == strlen (bs_text) && strspn (bs_text, "0") != strlen (bs_text);

    g_set_error (error, JA_XMPP_ERROR, too_big ? JA_XMPP_ERROR_NOT_ACCEPTABLE
        : JA_XMPP_ERROR_BAD_REQUEST, "ibb %s: %s block-size", sid,
        too_big ? "too large a" : bs_text ? "an invalid" : "no");
    return NULL;
  }
  if (bs > JA_IBB_MAX_BLOCK_SIZE) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "ibb %s: block-size %u exceeds 65535", sid, bs);
    return NULL;
  }
  if (bs > max_block_size) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_RESOURCE_CONSTRAINT,
        "ibb %s: block-size %u, at most %u accepted", sid, bs,
        max_block_size);
    return NULL;
  }
  stanza = ja_xml_node_get_attr (open, "stanza");
  out->stanza = JA_IBB_STANZA_IQ;   /* the default (XEP-0047 §2.1) */
  if (stanza != NULL && !ja_ibb_stanza_from_string (stanza, &out->stanza,
          error))
    return NULL;
  if (out->stanza != JA_IBB_STANZA_IQ) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "ibb %s: only stanza='iq' is supported", sid);
    return NULL;
  }
  out->sid = g_strdup (sid);
  out->block_size = (guint16) bs;
  return g_steal_pointer (&out);
}

JaXmlNode *
ja_ibb_open_build (const char *sid, guint16 block_size)
{
  JaXmlNode *open = ja_xml_node_new ("open", JA_NS_IBB);

  g_return_val_if_fail (ja_ibb_sid_is_valid (sid), open);
  g_return_val_if_fail (block_size > 0, open);
  ja_xml_node_set_attr_printf (open, "block-size", "%u", block_size);
  ja_xml_node_set_attr (open, "sid", sid);
  ja_xml_node_set_attr (open, "stanza", "iq");
  return open;
}

/* ---- <data/> ------------------------------------------------------------ */

gboolean
ja_ibb_data_parse (const JaXmlNode *data, const char **sid, guint16 *seq,
    GError **error)
{
  const char *seq_text;
  guint32 v;

  if (!ja_xml_node_is (data, "data", JA_NS_IBB)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "not an IBB <data/>");
    return FALSE;
  }
  *sid = parse_sid (data, error);
  if (*sid == NULL)
    return FALSE;
  seq_text = ja_xml_node_get_attr (data, "seq");
  if (!parse_decimal (seq_text, 5, &v) || v > G_MAXUINT16) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "ibb %s: %s seq", *sid, seq_text ? "an invalid" : "no");
    return FALSE;
  }
  *seq = (guint16) v;
  return TRUE;
}

gsize
ja_ibb_base64_len (guint16 block_size)
{
  return ((gsize) block_size + 2) / 3 * 4;
}

static gboolean
is_xml_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static gboolean
is_b64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* Validates the text and returns the decoded size, without decoding. */
static gboolean
measure_base64 (const char *text, gsize text_len, guint16 block_size,
    gsize *decoded, GError **error)
{
  const gsize max_chars = ja_ibb_base64_len (block_size);
  /* Whitespace allowed on top: generous for line wrapping, still bounded. */
  const gsize max_space = max_chars / 4 + 64;
  gsize n_chars = 0, n_space = 0, n_pad = 0;

  for (gsize i = 0; i < text_len; i++) {
    char c = text[i];

    if (is_xml_space (c)) {
      if (++n_space > max_space)
        goto too_long;
      continue;
    }
    if (c == '=') {
      n_pad++;
    } else if (!is_b64_char (c)) {
      g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
          "IBB data is not base64 (byte 0x%02x at %" G_GSIZE_FORMAT ")",
          (guint8) c, i);
      return FALSE;
    } else if (n_pad > 0) {
      g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
          "IBB data has base64 padding before its end");
      return FALSE;
    }
    if (++n_chars > max_chars)
      goto too_long;
  }
  if (n_chars % 4 != 0 || n_pad > 2) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "IBB data is not padded base64 (%" G_GSIZE_FORMAT " characters, %"
        G_GSIZE_FORMAT " '=')", n_chars, n_pad);
    return FALSE;
  }
  *decoded = n_chars / 4 * 3 - n_pad;
  if (*decoded > block_size) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "IBB block of %" G_GSIZE_FORMAT " bytes exceeds block-size %u",
        *decoded, block_size);
    return FALSE;
  }
  return TRUE;

too_long:
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
      "IBB data text exceeds the base64 of block-size %u", block_size);
  return FALSE;
}

gboolean
ja_ibb_data_decode (const char *text, gsize text_len, guint16 block_size,
    guint8 *out, gsize out_size, gsize *out_len, GError **error)
{
  gsize decoded = 0, written;
  gint state = 0;
  guint save = 0;

  g_return_val_if_fail (out != NULL && out_size >= block_size, FALSE);
  if (!measure_base64 (text, text_len, block_size, &decoded, error))
    return FALSE;
  /* Validated above: whole padded quanta of alphabet characters, so GLib
   * writes exactly `decoded` bytes (it skips whitespace itself). */
  written = text_len > 0 ? g_base64_decode_step (text, text_len, out, &state,
      &save) : 0;
  g_assert (written == decoded);
  *out_len = written;
  return TRUE;
}

JaXmlNode *
ja_ibb_data_build (const char *sid, guint16 seq, const guint8 *data,
    gsize len)
{
  JaXmlNode *node = ja_xml_node_new ("data", JA_NS_IBB);
  g_autofree char *b64 = NULL;

  ja_xml_node_set_attr_printf (node, "seq", "%u", seq);
  ja_xml_node_set_attr (node, "sid", sid);
  if (len > 0) {
    b64 = g_base64_encode (data, len);
    ja_xml_node_set_text (node, b64);
  }
  return node;
}

/* ---- <close/> ----------------------------------------------------------- */

gboolean
ja_ibb_close_parse (const JaXmlNode *close, const char **sid, GError **error)
{
  if (!ja_xml_node_is (close, "close", JA_NS_IBB)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "not an IBB <close/>");
    return FALSE;
  }
  *sid = parse_sid (close, error);
  return *sid != NULL;
}

JaXmlNode *
ja_ibb_close_build (const char *sid)
{
  JaXmlNode *node = ja_xml_node_new ("close", JA_NS_IBB);

  ja_xml_node_set_attr (node, "sid", sid);
  return node;
}
