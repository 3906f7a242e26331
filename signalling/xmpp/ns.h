/* ns.h — every XML namespace the agent speaks, each with the spec that
 * defines it. Nothing else in the tree spells a namespace out. */
#pragma once

#define JA_NS_STREAMS "http://etherx.jabber.org/streams"     /* RFC 6120 */
#define JA_NS_CLIENT "jabber:client"                         /* RFC 6120 */
#define JA_NS_STREAM_ERRORS "urn:ietf:params:xml:ns:xmpp-streams"
#define JA_NS_STANZA_ERRORS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define JA_NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"          /* RFC 6120 §5 */
#define JA_NS_SASL "urn:ietf:params:xml:ns:xmpp-sasl"        /* RFC 6120 §6 */
#define JA_NS_BIND "urn:ietf:params:xml:ns:xmpp-bind"        /* RFC 6120 §7 */
#define JA_NS_SESSION "urn:ietf:params:xml:ns:xmpp-session"  /* RFC 3921 */
#define JA_NS_XML "http://www.w3.org/XML/1998/namespace"

#define JA_NS_DISCO_INFO "http://jabber.org/protocol/disco#info"   /* XEP-0030 */
#define JA_NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items" /* XEP-0030 */
#define JA_NS_DATA_FORMS "jabber:x:data"                           /* XEP-0004 */
#define JA_NS_CAPS "http://jabber.org/protocol/caps"               /* XEP-0115 */
#define JA_NS_PING "urn:xmpp:ping"                                 /* XEP-0199 */
#define JA_NS_SM "urn:xmpp:sm:3"                                   /* XEP-0198 */
#define JA_NS_EXTDISCO "urn:xmpp:extdisco:2"                       /* XEP-0215 */
#define JA_NS_SASL_CB "urn:xmpp:sasl-cb:0"                         /* XEP-0440 */
#define JA_NS_BYTESTREAMS "http://jabber.org/protocol/bytestreams" /* XEP-0065 */
#define JA_NS_IBB "http://jabber.org/protocol/ibb"                 /* XEP-0047 */
#define JA_NS_VERSION "jabber:iq:version"                          /* XEP-0092 */

#define JA_NS_JINGLE "urn:xmpp:jingle:1"                           /* XEP-0166 */
#define JA_NS_JINGLE_ERRORS "urn:xmpp:jingle:errors:1"             /* XEP-0166 */
#define JA_NS_JINGLE_FT "urn:xmpp:jingle:apps:file-transfer:5"     /* XEP-0234 */
#define JA_NS_JINGLE_IBB "urn:xmpp:jingle:transports:ibb:1"        /* XEP-0261 */
#define JA_NS_JINGLE_S5B "urn:xmpp:jingle:transports:s5b:1"        /* XEP-0260 */
#define JA_NS_JINGLE_RTP "urn:xmpp:jingle:apps:rtp:1"              /* XEP-0167 */
#define JA_NS_JINGLE_RTP_AUDIO "urn:xmpp:jingle:apps:rtp:audio"    /* XEP-0167 */
#define JA_NS_JINGLE_ICE_UDP "urn:xmpp:jingle:transports:ice-udp:1" /* XEP-0176 */
#define JA_NS_JINGLE_DTLS "urn:xmpp:jingle:apps:dtls:0"            /* XEP-0320 */
#define JA_NS_HASHES "urn:xmpp:hashes:2"                           /* XEP-0300 */
#define JA_NS_JINGLE_RTP_VIDEO "urn:xmpp:jingle:apps:rtp:video"    /* XEP-0167 */
#define JA_NS_JINGLE_RTP_INFO "urn:xmpp:jingle:apps:rtp:info:1"    /* XEP-0167 §7 */
#define JA_NS_JINGLE_RTP_ERRORS "urn:xmpp:jingle:apps:rtp:errors:1" /* XEP-0167 */
#define JA_NS_JINGLE_RTP_RTCP_FB "urn:xmpp:jingle:apps:rtp:rtcp-fb:0" /* XEP-0293 */
#define JA_NS_JINGLE_RTP_HDREXT "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" /* XEP-0294 */
#define JA_NS_JINGLE_RTP_SSMA "urn:xmpp:jingle:apps:rtp:ssma:0"    /* XEP-0339 */
#define JA_NS_JINGLE_GROUPING "urn:xmpp:jingle:apps:grouping:0"    /* XEP-0338 */
#define JA_NS_JINGLE_MESSAGE "urn:xmpp:jingle-message:0"           /* XEP-0353 */
/* The trickle-ICE end-of-candidates marker browsers' XMPP libraries put in
 * an ice-udp <transport/> (XEP-0176 defines none; RFC 8838 §8.2). */
#define JA_NS_ICE_END_OF_CANDIDATES "urn:ietf:rfc:8838"
