/* xml-writer.h — serialising JaXmlNode trees: compact for the wire, indented
 * for logs. xmlns is written where an element's namespace differs from the
 * one in scope; text and attribute values are escaped. The full rules
 * (prefixes, "URI local" attributes, characters XML 1.0 cannot carry) are at
 * the top of xml-writer.c. */
#pragma once

#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

/* Append the compact form of node to out. parent_ns is the default namespace
 * in scope where the node is written ("jabber:client" inside a stream,
 * NULL for a standalone document). */
void ja_xml_writer_append (GString *out, const JaXmlNode *node,
    const char *parent_ns);
char *ja_xml_node_to_string (const JaXmlNode *node, const char *parent_ns); /* (transfer full) */

/* Indented, one element per line, for humans; never sent. */
char *ja_xml_node_to_pretty_string (const JaXmlNode *node, const char *parent_ns);

/* Escape text for element content or an attribute value (quotes escaped). */
void ja_xml_escape_append (GString *out, const char *text, gssize len);

/* The start tag alone ("<stream:stream …>", children and text ignored) and
 * the matching end tag, for a stream header. content_ns, when node has a
 * prefix, is declared as the default namespace (xmlns='jabber:client') for
 * what follows; it is ignored for an unprefixed node. */
void ja_xml_writer_append_open (GString *out, const JaXmlNode *node,
    const char *parent_ns, const char *content_ns);
void ja_xml_writer_append_close (GString *out, const JaXmlNode *node);

G_END_DECLS
