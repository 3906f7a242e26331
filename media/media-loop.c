/* media-loop.c — the process's media threads (see media-loop.h). */
#include "media/media-loop.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

/* Sources dispatched per tick, at most: a socket that is always readable
 * cannot keep the thread from its ticks. */
#define MAX_DISPATCH_ROUNDS 32
/* After a stall (suspend, overload) the loop does not burst to catch up. */
#define MAX_BEHIND_TICKS 5
/* JINGLE_AGENT_MEDIA_THREADS is capped here. */
#define MAX_THREADS 64
/* A new call goes to the busiest thread that stays under this share of its
 * tick with it (packing: one thread's ticks serve many calls with the
 * libraries' code and tables still in its core's caches, and fewer
 * wake-ups; spreading 20 to 80 calls over two threads cost 12 % more CPU
 * per call here), else to the least busy. */
#define PACK_LIMIT 0.5
/* Until a thread has measured its clients: a guess of one call's share of
 * a tick (an Opus call here takes ~0.6 % of a core, 3 % is a slow CPU). */
#define DEFAULT_CLIENT_SHARE 0.03
/* Smoothing of the measured load, per tick. */
#define LOAD_ALPHA 0.2

typedef struct {
  const JaMediaLoopFuncs *funcs;
  gpointer data;
} Client;

typedef struct {
  guint index;
  GRecMutex work;      /* held while a tick runs; guards clients */
  GMutex idle_lock;    /* with idle_cond: waiting for a first client */
  GCond idle_cond;
  GThread *thread;
  GMainContext *context;
  GArray *clients;     /* of Client */
  gint n_clients;      /* atomic, read without the work lock */
  guint n_working;     /* clients with a phase; under add_lock */
  /* Measured by the thread after each tick (smoothed): the share of the
   * 20 ms its tick took, and how many working clients it ran. Under
   * add_lock. */
  double load;
  double clients_seen;
} Worker;

static struct {
  GMutex add_lock;     /* assignment: n_working, thread creation */
  guint n;
  Worker *workers;
} loop;

static GPrivate in_loop = G_PRIVATE_INIT (NULL);

static gsize initialised;

static guint
threads_wanted (void)
{
  const char *env = g_getenv ("JINGLE_AGENT_MEDIA_THREADS");
  guint n = g_get_num_processors ();

  if (env != NULL && *env != '\0') {
    char *end = NULL;
    long v = strtol (env, &end, 10);

    if (end != NULL && *end == '\0' && v >= 1)
      n = (guint) MIN (v, MAX_THREADS);
    else
      g_warning ("JINGLE_AGENT_MEDIA_THREADS=%s: not a positive number, "
          "using %u", env, n);
  }
  return MAX (n, 1);
}

static void
ensure_init (void)
{
  if (g_once_init_enter (&initialised)) {
    loop.n = threads_wanted ();
    loop.workers = g_new0 (Worker, loop.n);
    for (guint i = 0; i < loop.n; i++) {
      Worker *w = &loop.workers[i];

      w->index = i;
      g_rec_mutex_init (&w->work);
      g_mutex_init (&w->idle_lock);
      g_cond_init (&w->idle_cond);
      w->context = g_main_context_new ();
      w->clients = g_array_new (FALSE, FALSE, sizeof (Client));
    }
    g_once_init_leave (&initialised, 1);
  }
}

gboolean
ja_media_loop_in_thread (void)
{
  return g_private_get (&in_loop) != NULL;
}

GMainContext *
ja_media_loop_thread_context (void)
{
  Worker *w = g_private_get (&in_loop);

  return w != NULL ? w->context : NULL;
}

guint
ja_media_loop_n_threads (void)
{
  ensure_init ();
  return loop.n;
}

/* Always in index order: two callers never wait on each other's half. */
void
ja_media_loop_lock (void)
{
  ensure_init ();
  for (guint i = 0; i < loop.n; i++)
    g_rec_mutex_lock (&loop.workers[i].work);
}

void
ja_media_loop_unlock (void)
{
  for (guint i = loop.n; i-- > 0;)
    g_rec_mutex_unlock (&loop.workers[i].work);
}

static void
sleep_until (gint64 deadline_us)
{
  struct timespec ts = { deadline_us / G_USEC_PER_SEC,
                         (deadline_us % G_USEC_PER_SEC) * 1000 };

  /* g_get_monotonic_time () is CLOCK_MONOTONIC. */
  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

static void
run_tick (Worker *w, gint64 now)
{
  for (guint i = 0; i < MAX_DISPATCH_ROUNDS
       && g_main_context_iteration (w->context, FALSE); i++)
    ;
  for (guint phase = 0; phase < JA_MEDIA_LOOP_PHASES; phase++)
    for (guint i = 0; i < w->clients->len; i++) {
      Client *c = &g_array_index (w->clients, Client, i);

      if (c->funcs->phase[phase] != NULL)
        c->funcs->phase[phase] (c->data, now);
    }
}

static gboolean
is_working (const JaMediaLoopFuncs *funcs)
{
  for (guint i = 0; i < JA_MEDIA_LOOP_PHASES; i++)
    if (funcs->phase[i] != NULL)
      return TRUE;
  return FALSE;
}

static gpointer
thread_run (gpointer data)
{
  Worker *w = data;
  gint64 next = 0;

  g_private_set (&in_loop, w);
  if (!g_main_context_acquire (w->context))
    g_error ("media loop: cannot own its context");
  for (;;) {
    gint64 now;
    guint working;
    double took;

    if (g_atomic_int_get (&w->n_clients) == 0) {
      /* Idle: what it measured is of calls that are gone. */
      g_mutex_lock (&loop.add_lock);
      w->load = w->clients_seen = 0;
      g_mutex_unlock (&loop.add_lock);
      g_mutex_lock (&w->idle_lock);
      while (g_atomic_int_get (&w->n_clients) == 0)
        g_cond_wait (&w->idle_cond, &w->idle_lock);
      g_mutex_unlock (&w->idle_lock);
      next = 0;
    }
    now = g_get_monotonic_time ();
    if (next == 0 || now - next > MAX_BEHIND_TICKS * JA_MEDIA_LOOP_TICK_US)
      next = now + JA_MEDIA_LOOP_TICK_US;
    if (now < next) {
      sleep_until (next);
      continue;
    }
    g_rec_mutex_lock (&w->work);
    run_tick (w, now);
    working = 0;
    for (guint i = 0; i < w->clients->len; i++)
      if (is_working (g_array_index (w->clients, Client, i).funcs))
        working++;
    g_rec_mutex_unlock (&w->work);
    took = (double) (g_get_monotonic_time () - now) / JA_MEDIA_LOOP_TICK_US;
    g_mutex_lock (&loop.add_lock);
    w->load += LOAD_ALPHA * (took - w->load);
    w->clients_seen += LOAD_ALPHA * (working - w->clients_seen);
    g_mutex_unlock (&loop.add_lock);
    next += JA_MEDIA_LOOP_TICK_US;
  }
  return NULL;
}

/* One working client's share of a tick on w: measured there, else the
 * average of the threads that measured, else a guess. Under add_lock. */
static double
client_share (const Worker *w)
{
  double load = 0, seen = 0;

  if (w->clients_seen >= 0.5)
    return w->load / w->clients_seen;
  for (guint i = 0; i < loop.n; i++)
    if (loop.workers[i].clients_seen >= 0.5) {
      load += loop.workers[i].load;
      seen += loop.workers[i].clients_seen;
    }
  return seen > 0 ? load / seen : DEFAULT_CLIENT_SHARE;
}

/* w's share of a tick with one more working client: what it measured,
 * plus the clients added since (a burst of calls lands between ticks). */
static double
projected (const Worker *w)
{
  double share = client_share (w);
  double added = MAX ((double) w->n_working - w->clients_seen, 0);

  return (w->clients_seen >= 0.5 ? w->load : 0) + share * (added + 1);
}

/* Under add_lock. See PACK_LIMIT. */
static Worker *
choose (GMainContext *near, gboolean working)
{
  Worker *pack = NULL, *least = NULL;
  double least_load = 0;

  for (guint i = 0; i < loop.n; i++) {
    Worker *w = &loop.workers[i];
    double p;

    if (near != NULL) {
      if (w->context == near)
        return w;
      continue;
    }
    if (!working) /* it adds no work: the first thread */
      return w;
    p = projected (w);
    if (p <= PACK_LIMIT && (pack == NULL || w->n_working > pack->n_working))
      pack = w;
    if (least == NULL || p < least_load) {
      least = w;
      least_load = p;
    }
  }
  if (near != NULL) {
    g_critical ("media loop: %p is no media thread's context", near);
    return &loop.workers[0];
  }
  return pack != NULL ? pack : least;
}

GMainContext *
ja_media_loop_add (const JaMediaLoopFuncs *funcs, gpointer data,
    GMainContext *near)
{
  Client c = { funcs, data };
  Worker *w;

  g_return_val_if_fail (funcs != NULL && !ja_media_loop_in_thread (), NULL);

  ensure_init ();
  /* add_lock is never held while waiting for a worker's lock (the caller
   * may hold ja_media_loop_lock (), another thread may wait for it). */
  g_mutex_lock (&loop.add_lock);
  w = choose (near, is_working (funcs));
  if (is_working (funcs)) {
    w->n_working++;
    if (near == NULL)
      g_info ("media loop: a call on thread %u (%u there; its ticks took "
          "%.0f %% of 20 ms)", w->index, w->n_working, 100 * w->load);
  }
  if (w->thread == NULL) { /* process-wide, never joined */
    char name[16];

    g_snprintf (name, sizeof name, "ja-media-%u", w->index);
    w->thread = g_thread_new (name, thread_run, w);
  }
  g_mutex_unlock (&loop.add_lock);

  g_rec_mutex_lock (&w->work);
  g_array_append_val (w->clients, c);
  g_mutex_lock (&w->idle_lock);
  g_atomic_int_inc (&w->n_clients);
  g_cond_signal (&w->idle_cond);
  g_mutex_unlock (&w->idle_lock);
  g_rec_mutex_unlock (&w->work);
  return w->context;
}

void
ja_media_loop_remove (gpointer data)
{
  g_return_if_fail (!ja_media_loop_in_thread ());

  ensure_init ();
  for (guint k = 0; k < loop.n; k++) {
    Worker *w = &loop.workers[k];
    gboolean found = FALSE, working = FALSE;

    g_rec_mutex_lock (&w->work);
    for (guint i = 0; i < w->clients->len; i++) {
      Client *c = &g_array_index (w->clients, Client, i);

      if (c->data == data) {
        found = TRUE;
        working = is_working (c->funcs);
        g_array_remove_index (w->clients, i);
        g_atomic_int_add (&w->n_clients, -1);
        break;
      }
    }
    g_rec_mutex_unlock (&w->work);
    if (found) {
      if (working) {
        g_mutex_lock (&loop.add_lock);
        w->n_working--;
        g_mutex_unlock (&loop.add_lock);
      }
      return;
    }
  }
}
