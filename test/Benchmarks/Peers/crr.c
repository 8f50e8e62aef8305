// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TCP connect-request-response, for scripts/bench-peers.sh: every transaction is a new
 * connection (connect, 1-byte request, 1-byte response, close), so each one is a new flow
 * for whatever filters the server's traffic.
 *
 *   crr server ADDR PORT              serve until killed
 *   crr client ADDR PORT SECONDS      one connection at a time; prints transactions per second
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in address_of(const char *addr, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port)) };

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "crr: bad IPv4 address '%s'\n", addr);
		exit(2);
	}
	return sa;
}

static int serve(struct sockaddr_in sa)
{
	int one = 1, listener = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(listener, (struct sockaddr *)&sa, sizeof(sa)) || listen(listener, 1024)) {
		perror("crr server");
		return 1;
	}
	for (;;) {
		char byte;
		int c = accept(listener, NULL, NULL);

		if (c < 0)
			continue;
		/* Request, response, then wait for the client's close: it keeps the TIME_WAIT. */
		if (read(c, &byte, 1) == 1 && write(c, &byte, 1) == 1)
			(void)read(c, &byte, 1);
		close(c);
	}
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int client(struct sockaddr_in sa, double seconds)
{
	double start = seconds_now(), end = start + seconds, now = start;
	long done = 0, failed = 0;

	while (now < end) {
		char byte = 'x';
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    write(s, &byte, 1) == 1 && read(s, &byte, 1) == 1)
			done++;
		else
			failed++;
		if (s >= 0)
			close(s);
		if ((done + failed) % 64 == 0)
			now = seconds_now();
	}
	now = seconds_now();
	if (failed > done / 100) {
		fprintf(stderr, "crr client: %ld of %ld transactions failed (%s)\n", failed, done + failed, strerror(errno));
		return 1;
	}
	printf("%.0f\n", done / (now - start));
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && !strcmp(argv[1], "server"))
		return serve(address_of(argv[2], argv[3]));
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(address_of(argv[2], argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: crr server ADDR PORT | crr client ADDR PORT SECONDS\n");
	return 2;
}
