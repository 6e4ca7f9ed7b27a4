import { useMutation } from '@tanstack/react-query';
import { type DragEvent, useId, useState } from 'react';
import { useConsole } from '../context.js';
import { Empty, ErrorNote, Title } from '../ui.js';

/** Bulk upload: a CSV dropped or chosen, the result with each failed row's number and reason. */
export function UploadScreen() {
  const { api } = useConsole();
  const [over, setOver] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const inputId = useId();
  const upload = useMutation({ mutationFn: (f: File) => api.customers.bulkUpload(f, f.name) });
  const template = useMutation({
    mutationFn: () => api.customers.template(),
    onSuccess: (t) => {
      // The template is a few hundred bytes: offered as a file to save.
      const url = URL.createObjectURL(new Blob([t.csv_content_stringified], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${t.template_name || 'customers'}-template.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
  const choose = (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    upload.mutate(f);
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    choose(e.dataTransfer.files[0]);
  };
  const result = upload.data;
  return (
    <>
      <Title>Bulk upload</Title>
      <p>
        Upload customers from a CSV file whose first row names the columns.{' '}
        <button type="button" className="link" onClick={() => template.mutate()}>
          Download the template (.csv)
        </button>
      </p>
      <ErrorNote error={template.error} />
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop target; the file input inside is the keyboard's way */}
      <div
        className={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <p>Drop a CSV file here, or</p>
        <label htmlFor={inputId} className="button-like">
          Choose a CSV file
        </label>
        <input
          id={inputId}
          className="visually-hidden-input"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            choose(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </div>
      {upload.isPending ? (
        <p role="status" className="muted">
          Uploading {file?.name}…
        </p>
      ) : null}
      <ErrorNote error={upload.error} />
      {result ? (
        <section aria-labelledby="result-heading" className="card">
          <h2 id="result-heading">Result{file ? ` of ${file.name}` : ''}</h2>
          <p role="status">
            {result.created} created, {result.skipped} skipped, {result.errors.length} failed.
          </p>
          {result.errors.length === 0 ? (
            <Empty>Every row was accepted.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Rows that failed</caption>
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {result.errors.map((e) => (
                    <tr key={`${e.row}:${e.error}`}>
                      <td className="num">{e.row}</td>
                      <td className="wrap">{e.error}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}
