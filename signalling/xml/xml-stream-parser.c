/* xml-stream-parser.c — the incremental XML stream parser of RFC 6120 §4
 * (XML streams) and §11 (XML usage), on expat in namespace mode.
 *
 * Stanzas are assembled by depth, as libstrophe does: the root (the stream
 * header, RFC 6120 §4.7) is level 1, each element opened at level 2 starts a
 * top-level child that is handed over complete when it closes. Expat reports
 * names as "URI local prefix" (separator ' ', triplets on, so the "stream"
 * prefix survives); a space can never appear inside the URI because expat
 * (since 2.4.5) rejects namespace names containing a non-URI separator.
 *
 * What a peer controls is bounded: stanza bytes as received (counted from
 * expat byte offsets, plus the bytes of a token expat is still buffering),
 * element depth, attributes per element and text per element. RFC 6120
 * §11.1 restricted XML (DTDs, comments, processing instructions, entity
 * declarations and references other than the five predefined ones) stops
 * the stream. Because a DOCTYPE is refused as soon as it starts, no entity
 * can be declared, so entity expansion attacks (billion laughs) cannot
 * start either. */

#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-node-private.h"

#include <string.h>

#include <expat.h>

#define NS_SEP ' '
/* Large feeds go to expat in pieces so that the limit on unfinished bytes
 * is checked between them: expat copies an unfinished token into its own
 * buffer, which must not grow far past max_stanza_bytes. */
#define FEED_CHUNK ((gsize) 64 * 1024)
#define NS_STREAMS "http://etherx.jabber.org/streams"
#define NS_XML "http://www.w3.org/XML/1998/namespace"

G_DEFINE_QUARK (ja-xml-error-quark, ja_xml_error)

const JaXmlStreamLimits ja_xml_stream_default_limits = {
  .max_stanza_bytes = 256 * 1024,
  .max_depth = 32,
  .max_attrs = 64,
  .max_text_bytes = 128 * 1024,
};

struct _JaXmlStreamParser {
  XML_Parser expat;
  JaXmlStreamLimits limits;
  JaXmlStreamCallbacks callbacks;
  gpointer user_data;
  gboolean require_stream_header;
  gboolean whole_document;  /* ja_xml_node_parse(): children stay in root */

  guint level;              /* open elements, the root included */
  JaXmlNode *root;          /* the stream header (owned) */
  char *content_ns;         /* default namespace declared on the root */
  JaXmlNode *stanza;        /* top-level child being built (owned) */
  JaXmlNode *current;       /* innermost open element below root (unowned) */

  /* Stream offsets: bytes fed since the last reset, and where the top-level
   * child in progress started (or, between children, where the last event
   * ended): fed - mark bounds what a peer can make us hold. */
  guint64 fed;
  guint64 mark;
  guint8 first_byte;        /* of the document, for check_utf8_opening() */

  gboolean in_feed;
  gboolean stopped;
  gboolean ended;
  GError *error;
};

static const char *const stream_conditions[] = {
  [JA_XML_ERROR_NOT_WELL_FORMED] = "not-well-formed",
  [JA_XML_ERROR_RESTRICTED_XML] = "restricted-xml",
  [JA_XML_ERROR_POLICY_VIOLATION] = "policy-violation",
  [JA_XML_ERROR_INVALID_NAMESPACE] = "invalid-namespace",
  [JA_XML_ERROR_BAD_FORMAT] = "bad-format",
};

const char *
ja_xml_error_to_stream_condition (int code)
{
  if (code < 0 || (gsize) code >= G_N_ELEMENTS (stream_conditions))
    return "undefined-condition";
  return stream_conditions[code];
}

static void fail (JaXmlStreamParser *parser, JaXmlError code,
    const char *format, ...) G_GNUC_PRINTF (3, 4);

/* Records the first error and aborts expat. Handlers check halted() first
 * because expat may still deliver a pending end tag after XML_StopParser. */
static void
fail (JaXmlStreamParser *parser, JaXmlError code, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  if (parser->error != NULL)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  parser->error = g_error_new (JA_XML_ERROR, code, "line %lu: %s",
      (unsigned long) XML_GetCurrentLineNumber (parser->expat), message);
  if (parser->in_feed)
    XML_StopParser (parser->expat, XML_FALSE);
}

static inline gboolean
halted (const JaXmlStreamParser *parser)
{
  return parser->error != NULL || parser->stopped;
}

/* Offset just past the current expat event. */
static guint64
event_end (JaXmlStreamParser *parser)
{
  return (guint64) XML_GetCurrentByteIndex (parser->expat)
      + (guint64) XML_GetCurrentByteCount (parser->expat);
}

/* An expat name, "URI local prefix" with the parts that are there. */
typedef struct {
  const char *ns;
  gsize ns_len;
  const char *local;
  gsize local_len;
  const char *prefix;
  gsize prefix_len;
} SplitName;

static void
split_name (const char *name, SplitName *out)
{
  const char *sep = strchr (name, NS_SEP);
  const char *sep2 = NULL;

  *out = (SplitName) { .local = name };
  if (G_LIKELY (sep == NULL)) {
    out->local_len = strlen (name);
    return;
  }
  out->ns = name;
  out->ns_len = sep - name;
  out->local = sep + 1;
  sep2 = strchr (out->local, NS_SEP);
  if (sep2 == NULL) {
    out->local_len = strlen (out->local);
    return;
  }
  out->local_len = sep2 - out->local;
  out->prefix = sep2 + 1;
  out->prefix_len = strlen (out->prefix);
}

/* One attribute as xml-node.h names it: the name itself in no namespace,
 * "xml:local" in the XML one, "URI local" in any other. */
typedef struct {
  const char *xml_local;   /* set for the XML namespace only */
  gsize name_len;
  gsize value_len;
} AttrSize;

static void
measure_attr (const XML_Char *const *att, AttrSize *out)
{
  SplitName n;

  split_name (att[0], &n);
  out->xml_local = NULL;
  out->value_len = strlen (att[1]);
  if (G_LIKELY (n.ns == NULL)) {
    out->name_len = n.local_len;
  } else if (n.ns_len == strlen (NS_XML)
      && memcmp (n.ns, NS_XML, n.ns_len) == 0) {
    out->xml_local = n.local;
    out->name_len = strlen ("xml:") + n.local_len;
  } else {
    out->name_len = n.local - n.ns + n.local_len;
  }
}

static char *
pack_attr_name (char **strings, const char *name, const AttrSize *size)
{
  char *copy = *strings;
  gsize prefix_len = strlen ("xml:");

  if (size->xml_local == NULL)
    return ja_xml_node_pack (strings, name, size->name_len);
  memcpy (copy, "xml:", prefix_len);
  memcpy (copy + prefix_len, size->xml_local, size->name_len - prefix_len);
  copy[size->name_len] = '\0';
  *strings += size->name_len + 1;
  return copy;
}

/* One allocation for the element and all its strings (xml-node-private.h):
 * parsing is the hot path of every stanza. Sizes are measured first (and
 * remembered for the first few attributes), then copied. */
static JaXmlNode *
new_node (JaXmlStreamParser *parser, const XML_Char *name,
    const XML_Char **atts)
{
  AttrSize sizes[8];
  SplitName n;
  guint n_atts = 0;
  gsize bytes;
  JaXmlNode *node;
  char *strings;

  while (atts[n_atts] != NULL)
    n_atts += 2;
  if (n_atts / 2 > parser->limits.max_attrs) {
    fail (parser, JA_XML_ERROR_POLICY_VIOLATION,
        "more than %u attributes on one element", parser->limits.max_attrs);
    return NULL;
  }

  split_name (name, &n);
  bytes = n.local_len + 1 + (n.ns != NULL ? n.ns_len + 1 : 0)
      + (n.prefix != NULL ? n.prefix_len + 1 : 0);
  for (guint i = 0; i < n_atts; i += 2) {
    AttrSize size;

    measure_attr (atts + i, &size);
    if (i / 2 < G_N_ELEMENTS (sizes))
      sizes[i / 2] = size;
    bytes += size.name_len + 1 + size.value_len + 1;
  }

  node = ja_xml_node_new_packed (bytes, n_atts / 2, &strings);
  node->name = ja_xml_node_pack (&strings, n.local, n.local_len);
  if (n.ns != NULL)
    node->ns = ja_xml_node_pack (&strings, n.ns, n.ns_len);
  if (n.prefix != NULL)
    node->prefix = ja_xml_node_pack (&strings, n.prefix, n.prefix_len);
  for (guint i = 0; i < n_atts; i += 2) {
    AttrSize size;

    if (i / 2 < G_N_ELEMENTS (sizes))
      size = sizes[i / 2];
    else
      measure_attr (atts + i, &size);
    g_ptr_array_add (node->attrs, pack_attr_name (&strings, atts[i], &size));
    g_ptr_array_add (node->attrs,
        ja_xml_node_pack (&strings, atts[i + 1], size.value_len));
  }
  return node;
}

static void
start_root (JaXmlStreamParser *parser, const XML_Char *name,
    const XML_Char **atts)
{
  guint64 end = event_end (parser);

  /* Only the stream header declares the content namespace. */
  XML_SetStartNamespaceDeclHandler (parser->expat, NULL);
  if (end > parser->limits.max_stanza_bytes) {
    fail (parser, JA_XML_ERROR_POLICY_VIOLATION,
        "stream header longer than %" G_GSIZE_FORMAT " bytes",
        parser->limits.max_stanza_bytes);
    return;
  }
  parser->root = new_node (parser, name, atts);
  if (parser->root == NULL)
    return;
  /* RFC 6120 §4.8.1: the root is <stream> in the streams namespace. */
  if (parser->require_stream_header
      && (g_strcmp0 (parser->root->ns, NS_STREAMS) != 0
          || strcmp (parser->root->name, "stream") != 0)) {
    fail (parser, JA_XML_ERROR_INVALID_NAMESPACE,
        "stream header is <%s xmlns='%s'>", parser->root->name,
        parser->root->ns != NULL ? parser->root->ns : "");
    return;
  }
  parser->level = 1;
  parser->mark = end;
  if (parser->callbacks.stream_start != NULL)
    parser->callbacks.stream_start (parser->user_data, parser->root);
}

static void XMLCALL
start_element_cb (void *user_data, const XML_Char *name, const XML_Char **atts)
{
  JaXmlStreamParser *parser = user_data;
  JaXmlNode *node;

  if (halted (parser))
    return;
  if (parser->level == 0) {
    start_root (parser, name, atts);
    return;
  }
  if (parser->level > parser->limits.max_depth) {
    fail (parser, JA_XML_ERROR_POLICY_VIOLATION,
        "elements nested deeper than %u", parser->limits.max_depth);
    return;
  }
  if (parser->level == 1) {
    parser->mark = XML_GetCurrentByteIndex (parser->expat);
  } else if (event_end (parser) - parser->mark
      > parser->limits.max_stanza_bytes) {
    fail (parser, JA_XML_ERROR_POLICY_VIOLATION,
        "stanza longer than %" G_GSIZE_FORMAT " bytes",
        parser->limits.max_stanza_bytes);
    return;
  }

  node = new_node (parser, name, atts);
  if (node == NULL)
    return;
  if (parser->level > 1)
    ja_xml_node_add_child (parser->current, node);
  else if (parser->whole_document)
    ja_xml_node_add_child (parser->root, node);
  else
    parser->stanza = node;
  parser->current = node;
  parser->level++;
}

static gboolean
is_blank (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++) {
    if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
      return FALSE;
  }
  return TRUE;
}

/* Whitespace that only separates child elements carries nothing in XMPP
 * (RFC 6120 §11.7); dropping it keeps get_text() meaningful. */
static void
drop_blank_text (JaXmlNode *node)
{
  if (node->text != NULL && node->children != NULL
      && is_blank (node->text->str, node->text->len)) {
    g_string_free (node->text, TRUE);
    node->text = NULL;
  }
}

static void
end_stanza (JaXmlStreamParser *parser, JaXmlNode *node)
{
  guint64 end = event_end (parser);

  if (end - parser->mark > parser->limits.max_stanza_bytes) {
    fail (parser, JA_XML_ERROR_POLICY_VIOLATION,
        "stanza longer than %" G_GSIZE_FORMAT " bytes",
        parser->limits.max_stanza_bytes);
    return;
  }
  parser->mark = end;
  parser->current = NULL;
  if (parser->whole_document)
    return;
  parser->stanza = NULL;
  if (parser->callbacks.stanza != NULL)
    parser->callbacks.stanza (parser->user_data, node);
  else
    ja_xml_node_free (node);
}

static void XMLCALL
end_element_cb (void *user_data, const XML_Char *name)
{
  JaXmlStreamParser *parser = user_data;
  JaXmlNode *node;

  if (halted (parser))
    return;
  parser->level--;
  if (parser->level == 0) {
    drop_blank_text (parser->root);
    parser->ended = TRUE;
    if (parser->callbacks.stream_end != NULL)
      parser->callbacks.stream_end (parser->user_data);
    return;
  }
  node = parser->current;
  drop_blank_text (node);
  if (parser->level == 1)
    end_stanza (parser, node);
  else
    parser->current = node->parent;
}

static void XMLCALL
character_data_cb (void *user_data, const XML_Char *s, int len)
{
  JaXmlStreamParser *parser = user_data;
  JaXmlNode *node;

  if (halted (parser))
    return;
  if (parser->level >= 2) {
    node = parser->current;
  } else if (parser->whole_document) {
    node = parser->root;
  } else {
    /* Between top-level children only whitespace (keepalives) may come. */
    if (!is_blank (s, len)) {
      fail (parser, JA_XML_ERROR_BAD_FORMAT,
          "text outside any stanza");
      return;
    }
    parser->mark = event_end (parser);
    return;
  }

  if ((node->text != NULL ? node->text->len : 0) + len
      > parser->limits.max_text_bytes) {
    fail (parser, JA_XML_ERROR_POLICY_VIOLATION,
        "more than %" G_GSIZE_FORMAT " bytes of text in <%s/>",
        parser->limits.max_text_bytes, node->name);
    return;
  }
  /* Expat hands text over in pieces (at every reference and line end):
   * leave room for a few more. */
  if (node->text == NULL)
    node->text = g_string_sized_new (len + 64);
  g_string_append_len (node->text, s, len);
}

static void XMLCALL
namespace_decl_cb (void *user_data, const XML_Char *prefix,
    const XML_Char *uri)
{
  JaXmlStreamParser *parser = user_data;

  if (prefix == NULL && parser->level == 0) {
    g_free (parser->content_ns);
    parser->content_ns = g_strdup (uri);
  }
}

/* RFC 6120 §11.1: none of these may appear in an XML stream. */

static void XMLCALL
comment_cb (void *user_data, const XML_Char *data)
{
  fail (user_data, JA_XML_ERROR_RESTRICTED_XML, "comment");
}

static void XMLCALL
processing_instruction_cb (void *user_data, const XML_Char *target,
    const XML_Char *data)
{
  fail (user_data, JA_XML_ERROR_RESTRICTED_XML, "processing instruction");
}

static void XMLCALL
start_doctype_cb (void *user_data, const XML_Char *doctype_name,
    const XML_Char *sysid, const XML_Char *pubid, int has_internal_subset)
{
  fail (user_data, JA_XML_ERROR_RESTRICTED_XML, "document type declaration");
}

static void XMLCALL
entity_decl_cb (void *user_data, const XML_Char *entity_name,
    int is_parameter_entity, const XML_Char *value, int value_length,
    const XML_Char *base, const XML_Char *system_id,
    const XML_Char *public_id, const XML_Char *notation_name)
{
  fail (user_data, JA_XML_ERROR_RESTRICTED_XML, "entity declaration");
}

/* Installs everything XML_ParserReset clears. */
static void
setup_expat (JaXmlStreamParser *parser)
{
  XML_Parser p = parser->expat;

  XML_SetUserData (p, parser);
  XML_SetReturnNSTriplet (p, XML_TRUE);
  XML_SetElementHandler (p, start_element_cb, end_element_cb);
  XML_SetCharacterDataHandler (p, character_data_cb);
  XML_SetStartNamespaceDeclHandler (p, namespace_decl_cb);
  XML_SetCommentHandler (p, comment_cb);
  XML_SetProcessingInstructionHandler (p, processing_instruction_cb);
  XML_SetStartDoctypeDeclHandler (p, start_doctype_cb);
  XML_SetEntityDeclHandler (p, entity_decl_cb);
  XML_SetParamEntityParsing (p, XML_PARAM_ENTITY_PARSING_NEVER);
#ifdef JA_HAVE_XML_SET_REPARSE_DEFERRAL_ENABLED
  /* Deferral (expat 2.6, backported by Debian) may hold a complete stanza
   * back until more bytes arrive: wrong for a stream whose peer waits for
   * our answer. */
  XML_SetReparseDeferralEnabled (p, XML_FALSE);
#endif
}

JaXmlStreamParser *
ja_xml_stream_parser_new (const JaXmlStreamLimits *limits,
    const JaXmlStreamCallbacks *callbacks, gpointer user_data)
{
  const JaXmlStreamLimits *dfl = &ja_xml_stream_default_limits;
  JaXmlStreamParser *parser = g_new0 (JaXmlStreamParser, 1);

  if (limits == NULL)
    limits = dfl;
  /* A zero field takes the default, so callers set only what they mean. */
  parser->limits.max_stanza_bytes =
      limits->max_stanza_bytes ? limits->max_stanza_bytes
      : dfl->max_stanza_bytes;
  parser->limits.max_depth = limits->max_depth ? limits->max_depth
      : dfl->max_depth;
  parser->limits.max_attrs = limits->max_attrs ? limits->max_attrs
      : dfl->max_attrs;
  parser->limits.max_text_bytes =
      limits->max_text_bytes ? limits->max_text_bytes
      : dfl->max_text_bytes;
  if (callbacks != NULL)
    parser->callbacks = *callbacks;
  parser->user_data = user_data;
  parser->require_stream_header = TRUE;
  /* Forcing UTF-8 makes any other declared encoding an error (RFC 6120
   * §11.6). */
  parser->expat = XML_ParserCreateNS ("UTF-8", NS_SEP);
  if (parser->expat == NULL)
    g_error ("out of memory creating an XML parser");
  setup_expat (parser);
  return parser;
}

static void
clear_state (JaXmlStreamParser *parser)
{
  g_clear_pointer (&parser->stanza, ja_xml_node_free);
  g_clear_pointer (&parser->root, ja_xml_node_free);
  g_clear_pointer (&parser->content_ns, g_free);
  g_clear_error (&parser->error);
  parser->current = NULL;
  parser->level = 0;
  parser->fed = 0;
  parser->mark = 0;
  parser->stopped = FALSE;
  parser->ended = FALSE;
}

void
ja_xml_stream_parser_free (JaXmlStreamParser *parser)
{
  if (parser == NULL)
    return;
  g_return_if_fail (!parser->in_feed);

  clear_state (parser);
  XML_ParserFree (parser->expat);
  g_free (parser);
}

void
ja_xml_stream_parser_reset (JaXmlStreamParser *parser)
{
  g_return_if_fail (parser != NULL);
  g_return_if_fail (!parser->in_feed);

  clear_state (parser);
  XML_ParserReset (parser->expat, "UTF-8");
  setup_expat (parser);
}

void
ja_xml_stream_parser_stop (JaXmlStreamParser *parser)
{
  g_return_if_fail (parser != NULL);

  parser->stopped = TRUE;
  if (parser->in_feed)
    XML_StopParser (parser->expat, XML_FALSE);
}

void
ja_xml_stream_parser_set_require_stream_header (JaXmlStreamParser *parser,
    gboolean require)
{
  g_return_if_fail (parser != NULL);

  parser->require_stream_header = require;
}

const char *
ja_xml_stream_parser_get_content_ns (JaXmlStreamParser *parser)
{
  g_return_val_if_fail (parser != NULL, NULL);

  return parser->content_ns;
}

static JaXmlError
error_from_expat (enum XML_Error code)
{
  switch (code) {
  case XML_ERROR_UNDEFINED_ENTITY:
  case XML_ERROR_RECURSIVE_ENTITY_REF:
  case XML_ERROR_BINARY_ENTITY_REF:
  case XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF:
  case XML_ERROR_EXTERNAL_ENTITY_HANDLING:
  case XML_ERROR_ENTITY_DECLARED_IN_PE:
  case XML_ERROR_NOT_STANDALONE:
  case XML_ERROR_MISPLACED_XML_PI:
  case XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
    return JA_XML_ERROR_RESTRICTED_XML;
  default:
    return JA_XML_ERROR_NOT_WELL_FORMED;
  }
}

/* One XML_Parse call; FALSE when the stream is broken (parser->error set). */
static gboolean
parse_chunk (JaXmlStreamParser *parser, const char *data, int len,
    gboolean is_final)
{
  enum XML_Status status;

  parser->fed += len;
  parser->in_feed = TRUE;
  status = XML_Parse (parser->expat, data, len, is_final);
  parser->in_feed = FALSE;

  if (status != XML_STATUS_OK) {
    enum XML_Error code = XML_GetErrorCode (parser->expat);

    if (code == XML_ERROR_ABORTED && parser->error == NULL)
      return TRUE;   /* ja_xml_stream_parser_stop() */
    if (parser->error == NULL) {
      parser->error = g_error_new (JA_XML_ERROR, error_from_expat (code),
          "line %lu, column %lu: %s",
          (unsigned long) XML_GetCurrentLineNumber (parser->expat),
          (unsigned long) XML_GetCurrentColumnNumber (parser->expat),
          XML_ErrorString (code));
    }
    return FALSE;
  }

  /* Bytes expat holds for an unfinished token or stanza count too, so a
   * peer cannot grow a start tag or a stanza forever across chunks. */
  if (!parser->ended
      && parser->fed - parser->mark > parser->limits.max_stanza_bytes) {
    fail (parser, JA_XML_ERROR_POLICY_VIOLATION,
        "stanza longer than %" G_GSIZE_FORMAT " bytes",
        parser->limits.max_stanza_bytes);
    return FALSE;
  }
  return TRUE;
}

/* Expat switches to UTF-16 on a UTF-16 byte order mark or a NUL among the
 * first two bytes of a document, even when told the input is UTF-8. RFC
 * 6120 §11.6 allows UTF-8 only: refuse those openings before expat sees
 * them. */
static gboolean
check_utf8_opening (JaXmlStreamParser *parser, const guint8 *data, gsize len)
{
  for (gsize i = 0; i < len && parser->fed + i < 2; i++) {
    if (data[i] == 0
        || (parser->fed + i == 1
            && ((parser->first_byte == 0xfe && data[i] == 0xff)
                || (parser->first_byte == 0xff && data[i] == 0xfe)))) {
      fail (parser, JA_XML_ERROR_NOT_WELL_FORMED,
          "not UTF-8 (RFC 6120 §11.6)");
      return FALSE;
    }
    parser->first_byte = data[i];
  }
  return TRUE;
}

gboolean
ja_xml_stream_parser_feed (JaXmlStreamParser *parser, const void *data,
    gsize len, GError **error)
{
  const char *p = data;

  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (!parser->in_feed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  while (parser->error == NULL && !parser->stopped && len > 0) {
    int n = (int) MIN (len, FEED_CHUNK);

    if (parser->fed < 2 && !check_utf8_opening (parser, (const guint8 *) p, n))
      break;
    if (!parse_chunk (parser, p, n, FALSE))
      break;
    p += n;
    len -= n;
  }
  if (parser->error != NULL) {
    g_propagate_error (error, g_error_copy (parser->error));
    return FALSE;
  }
  return TRUE;
}

JaXmlNode *
ja_xml_node_parse (const char *xml, gssize len, GError **error)
{
  g_autoptr (JaXmlStreamParser) parser = NULL;

  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 0)
    len = strlen (xml);
  parser = ja_xml_stream_parser_new (NULL, NULL, NULL);
  parser->require_stream_header = FALSE;
  parser->whole_document = TRUE;
  if (!ja_xml_stream_parser_feed (parser, xml, len, error))
    return NULL;
  /* The final call makes expat check that the document is complete. */
  if (!parse_chunk (parser, "", 0, TRUE)) {
    g_propagate_error (error, g_steal_pointer (&parser->error));
    return NULL;
  }
  return g_steal_pointer (&parser->root);
}
