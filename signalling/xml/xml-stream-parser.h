/* xml-stream-parser.h — the incremental XML stream parser (expat in
 * namespace mode): reports the stream header, then each complete top-level
 * child (a stanza or a nonza) as a JaXmlNode built by depth, then the end of
 * the stream. Restricted XML (RFC 6120 §11.1: DTDs, comments, processing
 * instructions, non-predefined entities) and limit overruns are errors in
 * JA_XML_ERROR, each naming the stream error to send. */
#pragma once

#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

#define JA_XML_ERROR (ja_xml_error_quark ())
GQuark ja_xml_error_quark (void);

typedef enum {
  JA_XML_ERROR_NOT_WELL_FORMED,   /* <not-well-formed/> */
  JA_XML_ERROR_RESTRICTED_XML,    /* <restricted-xml/> */
  JA_XML_ERROR_POLICY_VIOLATION,  /* <policy-violation/>: a limit was exceeded */
  JA_XML_ERROR_INVALID_NAMESPACE, /* <invalid-namespace/>: header not in the streams ns */
  JA_XML_ERROR_BAD_FORMAT,        /* <bad-format/> */
} JaXmlError;

/* The RFC 6120 §4.9.3 stream error condition element name for a JaXmlError
 * code, e.g. "restricted-xml". */
const char *ja_xml_error_to_stream_condition (int code);

typedef struct {
  gsize max_stanza_bytes;  /* bytes of one top-level child, as received */
  guint max_depth;         /* element depth below the stream header */
  guint max_attrs;         /* attributes on one element */
  gsize max_text_bytes;    /* character data of one element */
} JaXmlStreamLimits;

/* Defaults: 256 KiB stanzas, depth 32, 64 attributes, 128 KiB text. A zero
 * field in the limits given to ja_xml_stream_parser_new() takes the default.
 * The stream header itself must fit in max_stanza_bytes. */
extern const JaXmlStreamLimits ja_xml_stream_default_limits;

typedef struct {
  /* The opening <stream:stream> (or any root element); header is borrowed
   * and has no children. */
  void (*stream_start) (gpointer user_data, const JaXmlNode *header);
  /* A complete top-level child (transfer full). */
  void (*stanza) (gpointer user_data, JaXmlNode *stanza);
  /* The closing </stream:stream>. */
  void (*stream_end) (gpointer user_data);
} JaXmlStreamCallbacks;

typedef struct _JaXmlStreamParser JaXmlStreamParser;

/* limits NULL means the defaults; callbacks may be NULL. */
JaXmlStreamParser *ja_xml_stream_parser_new (const JaXmlStreamLimits *limits,
    const JaXmlStreamCallbacks *callbacks, gpointer user_data);
void ja_xml_stream_parser_free (JaXmlStreamParser *parser);

/* Feed bytes in any split. Returns FALSE with error set when the stream is
 * broken; after an error every later feed fails the same way until reset.
 * A callback may call ja_xml_stream_parser_stop(): the rest of this chunk is
 * then discarded and feed returns TRUE; later feeds are ignored (and return
 * TRUE) until reset. Callbacks must not free the parser. */
gboolean ja_xml_stream_parser_feed (JaXmlStreamParser *parser,
    const void *data, gsize len, GError **error);
void ja_xml_stream_parser_stop (JaXmlStreamParser *parser);

/* Forget everything and expect a new stream header (after STARTTLS or SASL
 * success, RFC 6120 §4.3.3). Must not be called from inside a callback. */
void ja_xml_stream_parser_reset (JaXmlStreamParser *parser);

/* TRUE (the default): the root must be <stream:stream> in
 * http://etherx.jabber.org/streams, else INVALID_NAMESPACE. FALSE: any root
 * element is accepted as the header and its children are reported as
 * stanzas. Set before the first feed; survives reset. */
void ja_xml_stream_parser_set_require_stream_header (JaXmlStreamParser *parser,
    gboolean require);

/* The default namespace declared on the stream header (e.g. "jabber:client",
 * RFC 6120 §4.8.2), or NULL; valid from stream_start until reset. */
const char *ja_xml_stream_parser_get_content_ns (JaXmlStreamParser *parser);

/* Parses one standalone document (an XML declaration is allowed; restricted
 * XML and the default limits apply, each child of the root counting as a
 * stanza) into a complete tree (transfer full), or NULL with error set.
 * For tests, fixtures and one-shot documents; streams use the parser. */
JaXmlNode *ja_xml_node_parse (const char *xml, gssize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaXmlStreamParser, ja_xml_stream_parser_free)

G_END_DECLS
