package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"time"
)

// archiveFile is one file to put in an archive.
type archiveFile struct {
	Name string      // name inside the archive
	Path string      // file on disk
	Mode os.FileMode // permission bits recorded in the archive
}

// writeTarGz writes files into a gzip-compressed tar at path, every entry
// dated mtime, owned by root, with the given modes.
func writeTarGz(path string, files []archiveFile, mtime time.Time) (err error) {
	return writeFile(path, func(w io.Writer) error {
		gz := gzip.NewWriter(w)
		tw := tar.NewWriter(gz)
		for _, f := range files {
			if err := addTar(tw, f, mtime); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		return gz.Close()
	})
}

func addTar(tw *tar.Writer, f archiveFile, mtime time.Time) error {
	src, err := os.Open(f.Path)
	if err != nil {
		return err
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: f.Name, Mode: int64(f.Mode), Size: info.Size(), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, src)
	return err
}

// writeZip writes files into a zip at path (deflated, dated mtime).
func writeZip(path string, files []archiveFile, mtime time.Time) error {
	return writeFile(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, f := range files {
			if err := addZip(zw, f, mtime); err != nil {
				return err
			}
		}
		return zw.Close()
	})
}

func addZip(zw *zip.Writer, f archiveFile, mtime time.Time) error {
	src, err := os.Open(f.Path)
	if err != nil {
		return err
	}
	defer src.Close()
	hdr := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: mtime}
	hdr.SetMode(f.Mode)
	dst, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return err
}

// writeFile creates path and hands it to fill; the file is removed when
// fill fails.
func writeFile(path string, fill func(io.Writer) error) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	err = fill(out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
