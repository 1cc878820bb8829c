#!/usr/bin/env python3
"""
powerfs: a FUSE filesystem that loses, on a power cut, every write not yet made durable.

    powerfs.py BACKING MOUNTPOINT

Everything written through MOUNTPOINT lives in this process's memory. Only what the program made
durable reaches BACKING, and BACKING holds nothing else: at every moment it is exactly what a disk
would hold after the machine lost power.

  - fsync/fdatasync of a file makes its current content durable (under every name by which the
    file is durably reachable);
  - fsync of a directory makes its current entries durable: creates, unlinks and renames inside it;
    a newly durable entry carries the file's durable content (empty if the file was never synced);
  - nothing else is durable: not a write, not a close, not a create, not a rename.

The power cut: write `cut` to MOUNTPOINT/.powerfs. From then on the filesystem refuses every request
(EIO) and never touches BACKING again; the caller then stops this process and unmounts, and a new
powerfs on the same BACKING starts from the durable state. Writing `sync` makes everything durable
(like sync(2); for setting up a folder).

The model is strict (in the spirit of LazyFS): a real filesystem may keep more after a power cut,
never less, so a program that survives it survives a real one.
"""
import errno
import os
import stat
import sys
import time

try:
    from fuse import FUSE, FuseOSError, Operations  # fusepy as pip installs it
except ImportError:
    from fusepy import FUSE, FuseOSError, Operations  # Debian's python3-fusepy

PAGE = 4096
CONTROL = '.powerfs'
ROOT = 1
# libfuse renames a file unlinked while open to .fuse_hiddenXXXX: such a name never becomes durable.
HIDDEN = '.fuse_hidden'


class Node:
    __slots__ = ('ino', 'is_dir', 'mode', 'data', 'durable', 'dirty', 'entries', 'durable_entries',
                 'links', 'opens', 'mtime', 'ctime', 'uid', 'gid')

    def __init__(self, ino, is_dir, mode, uid=0, gid=0):
        self.ino = ino
        self.is_dir = is_dir
        self.mode = mode
        self.data = bytearray()       # current content
        self.durable = bytearray()    # content as of the last fsync
        self.dirty = set()            # pages that differ between data and durable (for BACKING)
        self.entries = {} if is_dir else None          # name -> ino, current
        self.durable_entries = {} if is_dir else None  # name -> ino, as of the last fsyncdir
        self.links = 0
        self.opens = 0
        self.mtime = self.ctime = time.time_ns()
        self.uid = uid
        self.gid = gid


class PowerFS(Operations):
    use_ns = True

    def __init__(self, backing):
        self.backing = os.path.realpath(backing)
        self.nodes = {}
        self.next_ino = ROOT
        self.frozen = False
        self.control = bytearray()
        root = self._new(True, stat.S_IFDIR | 0o755)
        root.links = 1
        self._load(root, '')
        # Durable paths (relative to BACKING) of each inode, from the durable entries.
        self.paths = {}
        self._rebuild_paths()

    # --- model -------------------------------------------------------------------------------
    def _new(self, is_dir, mode, uid=0, gid=0):
        node = Node(self.next_ino, is_dir, mode, uid, gid)
        self.nodes[node.ino] = node
        self.next_ino += 1
        return node

    def _load(self, directory, rel):
        for name in sorted(os.listdir(os.path.join(self.backing, rel))):
            child_rel = os.path.join(rel, name)
            full = os.path.join(self.backing, child_rel)
            st = os.lstat(full)
            if stat.S_ISDIR(st.st_mode):
                child = self._new(True, st.st_mode, st.st_uid, st.st_gid)
                self._load(child, child_rel)
            elif stat.S_ISREG(st.st_mode):
                child = self._new(False, st.st_mode, st.st_uid, st.st_gid)
                with open(full, 'rb') as f:
                    child.data = bytearray(f.read())
                child.durable = bytearray(child.data)
            else:
                continue
            child.mtime = st.st_mtime_ns
            child.links = 1
            directory.entries[name] = child.ino
            directory.durable_entries[name] = child.ino

    def _durable_map(self):
        """Relative path -> ino for everything durably reachable from the root."""
        result = {}
        stack = [(ROOT, '')]
        while stack:
            ino, rel = stack.pop()
            node = self.nodes.get(ino)
            if node is None or not node.is_dir:
                continue
            for name, child in node.durable_entries.items():
                child_rel = os.path.join(rel, name)
                result[child_rel] = child
                stack.append((child, child_rel))
        return result

    def _rebuild_paths(self):
        self.paths = {}
        for rel, ino in self._durable_map().items():
            self.paths.setdefault(ino, []).append(rel)
        self.paths.setdefault(ROOT, []).append('')

    def _lookup(self, path):
        if path is None:
            raise FuseOSError(errno.ENOENT)
        node = self.nodes[ROOT]
        for part in path.strip('/').split('/'):
            if not part:
                continue
            if not node.is_dir:
                raise FuseOSError(errno.ENOTDIR)
            ino = node.entries.get(part)
            if ino is None:
                raise FuseOSError(errno.ENOENT)
            node = self.nodes[ino]
        return node

    def _parent(self, path):
        head, name = os.path.split(path.rstrip('/'))
        parent = self._lookup(head or '/')
        if not parent.is_dir:
            raise FuseOSError(errno.ENOTDIR)
        return parent, name

    def _node(self, path, fh):
        if fh is not None and fh in self.nodes:
            return self.nodes[fh]
        return self._lookup(path)

    def _alive(self):
        if self.frozen:
            raise FuseOSError(errno.EIO)

    def _forget(self, node):
        if node.links <= 0 and node.opens <= 0 and not node.is_dir and node.ino not in self.paths:
            self.nodes.pop(node.ino, None)

    def _unlink_entry(self, parent, name):
        ino = parent.entries.pop(name)
        node = self.nodes[ino]
        node.links -= 1
        parent.mtime = time.time_ns()
        self._forget(node)

    # --- durability --------------------------------------------------------------------------
    def _sync_file(self, node):
        if node.is_dir:
            return
        node.durable = bytearray(node.data)
        for rel in self.paths.get(node.ino, []):
            full = os.path.join(self.backing, rel)
            fd = os.open(full, os.O_WRONLY | os.O_CREAT, 0o644)
            try:
                os.ftruncate(fd, len(node.data))
                for page in sorted(node.dirty):
                    start = page * PAGE
                    if start < len(node.data):
                        os.pwrite(fd, bytes(node.data[start:start + PAGE]), start)
            finally:
                os.close(fd)
        node.dirty.clear()

    def _sync_dir(self, node):
        before = self._durable_map()
        node.durable_entries = {n: i for n, i in node.entries.items() if not n.startswith(HIDDEN)}
        after = self._durable_map()
        gone = [rel for rel, ino in before.items() if after.get(rel) != ino]
        for rel in sorted(gone, key=len, reverse=True):
            full = os.path.join(self.backing, rel)
            if os.path.isdir(full) and not os.path.islink(full):
                for root, dirs, files in os.walk(full, topdown=False):
                    for f in files:
                        os.unlink(os.path.join(root, f))
                    for d in dirs:
                        os.rmdir(os.path.join(root, d))
                os.rmdir(full)
            elif os.path.lexists(full):
                os.unlink(full)
        came = [rel for rel, ino in after.items() if before.get(rel) != ino]
        for rel in sorted(came, key=len):
            child = self.nodes.get(after[rel])
            full = os.path.join(self.backing, rel)
            if child is None:
                continue
            if child.is_dir:
                os.makedirs(full, exist_ok=True)
            else:
                with open(full, 'wb') as f:
                    f.write(child.durable)
                os.chmod(full, stat.S_IMODE(child.mode))
        self._rebuild_paths()
        # Files that dropped out of the durable tree and are no longer in use.
        for ino in [ino for ino, n in self.nodes.items() if n.links <= 0 and n.opens <= 0 and not n.is_dir]:
            self._forget(self.nodes[ino])

    def _sync_all(self):
        for node in list(self.nodes.values()):
            if node.is_dir:
                self._sync_dir(node)
        for node in list(self.nodes.values()):
            self._sync_file(node)

    def _command(self, text):
        for word in text.split():
            if word == 'cut':
                self.frozen = True
            elif word == 'sync':
                self._sync_all()

    # --- FUSE operations ---------------------------------------------------------------------
    def getattr(self, path, fh=None):
        self._alive()
        if path == '/' + CONTROL:
            now = time.time_ns()
            return dict(st_mode=stat.S_IFREG | 0o600, st_nlink=1, st_size=0, st_ino=0xFFFFFFF,
                        st_mtime=now, st_atime=now, st_ctime=now)
        node = self._node(path, fh)
        size = 4096 if node.is_dir else len(node.data)
        return dict(st_mode=node.mode, st_nlink=max(node.links, 0) + (1 if node.is_dir else 0), st_size=size,
                    st_ino=node.ino, st_uid=node.uid, st_gid=node.gid, st_blocks=(size + 511) // 512,
                    st_blksize=PAGE, st_mtime=node.mtime, st_atime=node.mtime, st_ctime=node.ctime)

    def access(self, path, amode):
        self._alive()
        if path != '/' + CONTROL:
            self._lookup(path)
        return 0

    def statfs(self, path):
        return dict(f_bsize=PAGE, f_frsize=PAGE, f_blocks=1 << 24, f_bfree=1 << 23, f_bavail=1 << 23,
                    f_files=1 << 20, f_ffree=1 << 19, f_favail=1 << 19, f_namemax=255)

    def readdir(self, path, fh):
        self._alive()
        node = self._node(path, fh)
        names = ['.', '..'] + list(node.entries.keys())
        if path == '/':
            names.append(CONTROL)
        return names

    def opendir(self, path):
        self._alive()
        node = self._lookup(path)
        if not node.is_dir:
            raise FuseOSError(errno.ENOTDIR)
        return node.ino

    def releasedir(self, path, fh):
        return 0

    def fsyncdir(self, path, datasync, fh):
        self._alive()
        self._sync_dir(self._node(path, fh))
        return 0

    def mkdir(self, path, mode):
        self._alive()
        parent, name = self._parent(path)
        if name in parent.entries:
            raise FuseOSError(errno.EEXIST)
        ctx = self._context()
        node = self._new(True, stat.S_IFDIR | (mode & 0o7777), *ctx)
        node.links = 1
        parent.entries[name] = node.ino
        parent.mtime = time.time_ns()
        return 0

    def rmdir(self, path):
        self._alive()
        parent, name = self._parent(path)
        node = self._lookup(path)
        if not node.is_dir:
            raise FuseOSError(errno.ENOTDIR)
        if node.entries:
            raise FuseOSError(errno.ENOTEMPTY)
        self._unlink_entry(parent, name)
        return 0

    def create(self, path, mode, fi=None):
        self._alive()
        parent, name = self._parent(path)
        existing = parent.entries.get(name)
        if existing is not None:
            node = self.nodes[existing]
        else:
            node = self._new(False, stat.S_IFREG | (mode & 0o7777), *self._context())
            node.links = 1
            parent.entries[name] = node.ino
            parent.mtime = time.time_ns()
        node.opens += 1
        return node.ino

    def open(self, path, flags):
        if path == '/' + CONTROL:
            return 0
        self._alive()
        node = self._lookup(path)
        if node.is_dir:
            raise FuseOSError(errno.EISDIR)
        node.opens += 1
        if flags & os.O_TRUNC:
            self._truncate(node, 0)
        return node.ino

    def release(self, path, fh):
        node = self.nodes.get(fh)
        if node is not None:
            node.opens -= 1
            self._forget(node)
        return 0

    def flush(self, path, fh):
        return 0

    def read(self, path, size, offset, fh):
        if path == '/' + CONTROL:
            return b''
        self._alive()
        node = self._node(path, fh)
        return bytes(node.data[offset:offset + size])

    def write(self, path, data, offset, fh):
        if path == '/' + CONTROL and fh == 0:
            self.control += data
            text = self.control.decode('utf-8', 'replace')
            if '\n' in text:
                done, _, rest = text.rpartition('\n')
                self.control = bytearray(rest.encode())
                self._command(done)
            return len(data)
        self._alive()
        node = self._node(path, fh)
        end = offset + len(data)
        if end > len(node.data):
            node.data.extend(b'\0' * (end - len(node.data)))
        node.data[offset:end] = data
        for page in range(offset // PAGE, (end + PAGE - 1) // PAGE):
            node.dirty.add(page)
        node.mtime = time.time_ns()
        return len(data)

    def _truncate(self, node, length):
        old = len(node.data)
        if length < old:
            del node.data[length:]
        else:
            node.data.extend(b'\0' * (length - old))
        lo, hi = min(old, length), max(old, length)
        for page in range(lo // PAGE, (hi + PAGE - 1) // PAGE + 1):
            node.dirty.add(page)
        node.mtime = time.time_ns()

    def truncate(self, path, length, fh=None):
        if path == '/' + CONTROL:
            return 0
        self._alive()
        node = self._node(path, fh)
        if node.is_dir:
            raise FuseOSError(errno.EISDIR)
        self._truncate(node, length)
        return 0

    def fsync(self, path, datasync, fh):
        self._alive()
        self._sync_file(self._node(path, fh))
        return 0

    def unlink(self, path):
        self._alive()
        parent, name = self._parent(path)
        node = self._lookup(path)
        if node.is_dir:
            raise FuseOSError(errno.EISDIR)
        self._unlink_entry(parent, name)
        return 0

    def rename(self, old, new):
        self._alive()
        old_parent, old_name = self._parent(old)
        new_parent, new_name = self._parent(new)
        node = self._lookup(old)
        target = new_parent.entries.get(new_name)
        if target == node.ino:
            return 0
        if target is not None:
            target_node = self.nodes[target]
            if target_node.is_dir:
                if not node.is_dir:
                    raise FuseOSError(errno.EISDIR)
                if target_node.entries:
                    raise FuseOSError(errno.ENOTEMPTY)
            elif node.is_dir:
                raise FuseOSError(errno.ENOTDIR)
            self._unlink_entry(new_parent, new_name)
        del old_parent.entries[old_name]
        new_parent.entries[new_name] = node.ino
        now = time.time_ns()
        old_parent.mtime = new_parent.mtime = node.ctime = now
        return 0

    def link(self, target, source):
        raise FuseOSError(errno.EPERM)

    def symlink(self, target, source):
        raise FuseOSError(errno.EPERM)

    def chmod(self, path, mode):
        self._alive()
        node = self._lookup(path)
        node.mode = (node.mode & ~0o7777) | (mode & 0o7777)
        return 0

    def chown(self, path, uid, gid):
        self._alive()
        node = self._lookup(path)
        if uid != -1 and uid != 0xFFFFFFFF:
            node.uid = uid
        if gid != -1 and gid != 0xFFFFFFFF:
            node.gid = gid
        return 0

    def utimens(self, path, times=None):
        self._alive()
        node = self._lookup(path)
        node.mtime = times[1] if times else time.time_ns()
        return 0

    def _context(self):
        try:
            from fuse import fuse_get_context
        except ImportError:
            from fusepy import fuse_get_context
        uid, gid, _pid = fuse_get_context()
        return uid, gid


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    backing, mountpoint = sys.argv[1], sys.argv[2]
    fs = PowerFS(backing)
    # Single-threaded: every request runs alone, so a cut never lands inside a sync.
    FUSE(fs, mountpoint, foreground=True, nothreads=True, big_writes=True, use_ino=True,
         fsname='powerfs', subtype='powerfs')


if __name__ == '__main__':
    main()
