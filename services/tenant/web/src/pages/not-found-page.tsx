import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** Any path the client has no page for. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <title>{`${t('notFound.title')} – ${t('app.name')}`}</title>
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </>
  );
}
