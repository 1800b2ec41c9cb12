/* secret-file.c: read a password from a file the user named, with the checks a secret needs. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret-file.h"
#include "util.h"

int
secret_file_read(const char *path, char **secret, char **warning, char **cause)
{
	struct stat	 st;
	char		 buf[SECRET_FILE_MAX + 1];
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	*secret = NULL;
	*warning = NULL;
	/* O_NONBLOCK: a FIFO in its place must not hang us before fstat says what it is. */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (errno == ELOOP)
			xasprintf(cause, "%s: the password file is a symbolic link; name the "
			    "file itself", path);
		else
			xasprintf(cause, "%s: cannot read the password file: %s", path,
			    strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: the password file is not a regular file", path);
		close(fd);
		return (-1);
	}
	if (st.st_uid != geteuid()) {
		xasprintf(cause, "%s: the password file belongs to another user; copy it to a "
		    "file of your own", path);
		close(fd);
		return (-1);
	}
	while (len < sizeof buf - 1) {
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			explicit_bzero(buf, sizeof buf);
			xasprintf(cause, "%s: cannot read the password file: %s", path,
			    strerror(errno));
			close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == sizeof buf - 1) {
		explicit_bzero(buf, sizeof buf);
		xasprintf(cause, "%s: the password file is too long for a password", path);
		return (-1);
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	*secret = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	if ((st.st_mode & 077) != 0)
		xasprintf(warning, "warning: %s can be read by other users (chmod 600 %s)", path,
		    path);
	return (0);
}
