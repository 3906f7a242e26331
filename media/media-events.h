/* media-events.h — events from media threads to the thread that created a
 * media engine.
 *
 * The media engines (media-audio.c, audio-native.c, media-video.c) make
 * their callbacks on the GMainContext that was thread-default when they were
 * created, whatever thread noticed the event. A JaMediaEvents is that
 * channel: any thread pushes, the creator's context delivers in order, a
 * whole batch per wake-up. The engine may be freed from inside one of its
 * own callbacks: its memory then goes when that delivery returns. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JaMediaEvents JaMediaEvents;

/* Called on the creator's context for each event, in push order. */
typedef void (*JaMediaEventsDeliver) (gpointer owner, gpointer event);

/* Attached to the thread-default context. `event_free` frees an event after
 * delivery or when it is dropped. */
JaMediaEvents *ja_media_events_new (const char *name,
                                    JaMediaEventsDeliver deliver,
                                    GDestroyNotify event_free, gpointer owner);
/* Any thread: queue `event` (owned) and wake the creator's context. */
void ja_media_events_push (JaMediaEvents *events, gpointer event);
/* Any thread: queue without waking; ja_media_events_wake later (one wake-up
 * for a batch pushed by a media thread). */
void ja_media_events_push_quiet (JaMediaEvents *events, gpointer event);
void ja_media_events_wake (JaMediaEvents *events);
/* Creator's context, once nothing pushes any more: stops delivery, drops
 * what is queued, then calls owner_free (owner) — at once, or, from inside a
 * delivery, as soon as that delivery returns. */
void ja_media_events_free (JaMediaEvents *events, GDestroyNotify owner_free);

G_END_DECLS
