import { ArrowLeftIcon, ScrollTextIcon, Undo2Icon } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { INTERVENTION_TYPE_TEXT } from '../../../../../components/interventions/intervention-form';
import { ReverseInterventionDialog } from '../../../../../components/interventions/reverse-intervention-dialog.client';
import { Badge } from '../../../../../components/ui/badge';
import { Button, buttonVariants } from '../../../../../components/ui/button';
import { PageHeader } from '../../../../../components/ui/page-header';
import { AppError } from '../../../../../lib/errors';
import { can } from '../../../../../lib/permissions';
import { viewIntervention, type InterventionDetail } from '../../../../../lib/services/views/interventions';
import { uuidSchema } from '../../../../../lib/validation/common';
import { requireOrgPage } from '../../../page-guard';
import { formatWhen, targetSummary } from '../interventions-format';
import { InterventionFacts } from './intervention-facts';
import { InterventionTargets } from './intervention-targets';

export const metadata: Metadata = { title: 'Intervention' };

async function load(view: () => Promise<InterventionDetail>): Promise<InterventionDetail> {
  try {
    return await view();
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }
}

export default async function InterventionPage({
  params,
}: {
  params: Promise<{ orgId: string; interventionId: string }>;
}) {
  const { db, scope } = await requireOrgPage({ params, permission: 'interventions.read' });
  const { interventionId } = await params;
  if (!uuidSchema.safeParse(interventionId).success) notFound();
  const detail = await load(() => viewIntervention(db, scope, interventionId));
  const { intervention } = detail;
  const base = `/console/${scope.orgId}`;
  const summary = targetSummary(intervention.scope, detail.targetCount, intervention.newState.segment);
  const operator = detail.operator?.name || detail.operator?.email || 'A former member';
  return (
    <>
      <Link
        href={`${base}/interventions`}
        className={buttonVariants({
          variant: 'link',
          size: 'sm',
          className: '-ml-2.5 mb-1 text-muted-foreground',
        })}
      >
        <ArrowLeftIcon aria-hidden /> All interventions
      </Link>
      <PageHeader
        title={
          <span className="inline-flex items-center gap-2">
            {INTERVENTION_TYPE_TEXT[intervention.type].label}
            {intervention.reversedAt ? (
              <Badge variant="secondary">Reversed</Badge>
            ) : (
              <Badge variant="success">In effect</Badge>
            )}
          </span>
        }
        description={`${summary} · by ${operator} · ${formatWhen(intervention.createdAt, scope.timezone)}`}
        actions={
          <>
            {can(scope.role, 'audit.read') && (
              <Link
                href={`${base}/audit?targetId=${intervention.id}`}
                className={buttonVariants({ variant: 'outline' })}
              >
                <ScrollTextIcon aria-hidden /> Audit trail
              </Link>
            )}
            {can(scope.role, 'interventions.write') && !intervention.reversedAt && (
              <ReverseInterventionDialog
                orgId={scope.orgId}
                interventionId={intervention.id}
                targetLabels={Object.fromEntries(detail.targets.map((t) => [t.id, t.label]))}
                trigger={
                  <Button variant="outline">
                    <Undo2Icon aria-hidden /> Reverse
                  </Button>
                }
              />
            )}
          </>
        }
      />
      <div className="grid gap-4">
        <InterventionFacts detail={detail} timeZone={scope.timezone} />
        <InterventionTargets orgId={scope.orgId} detail={detail} />
      </div>
    </>
  );
}
